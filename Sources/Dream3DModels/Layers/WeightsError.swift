// WeightsError.swift — what can go wrong when a checkpoint's tensors do not fit a model, as facts
// (STYLE.md §5): the names the model wants and the file lacks, the names the file has and nothing uses,
// and the shapes that differ. Thrown by `Layer.load`.
import Dream3DCore

/// A checkpoint whose tensors do not fit the model built from its configuration.
public enum WeightsError: Error, CustomStringConvertible {
    public struct ShapeMismatch: Sendable, Equatable {
        public let name: String, expected: [Int], found: [Int]
    }
    /// Missing, unexpected or mis-shaped tensors (each list may be empty, not all three).
    case mismatch(path: String, missing: [String], unexpected: [String], shapes: [ShapeMismatch])
    /// The file itself could not be read (see `SafetensorsError`).
    case unreadable(SafetensorsError)

    public var description: String {
        switch self {
        case let .mismatch(path, missing, unexpected, shapes):
            var lines = ["\(path): the weights do not fit the model built from its config.json"]
            func list(_ names: [String]) -> String {
                names.prefix(12).joined(separator: ", ") + (names.count > 12 ? ", … (\(names.count) in all)" : "")
            }
            if !missing.isEmpty { lines.append("missing tensors: \(list(missing))") }
            if !unexpected.isEmpty { lines.append("unexpected tensors: \(list(unexpected))") }
            for s in shapes.prefix(12) { lines.append("shape mismatch: \(s.name) is \(s.found) in the file, the model wants \(s.expected)") }
            lines.append("hint: check that config.json belongs to these weights (block_out_channels, layers_per_block, attention_head_dim, use_linear_projection)")
            return lines.joined(separator: "\n")
        case let .unreadable(error):
            return error.description
        }
    }
}
