// ModelError.swift — what a user's model folder can get wrong before any tensor is read: a missing file,
// a config.json that is not JSON or lacks a key, and a configuration this port does not implement (named
// by key and value, with what is supported). Tensor-level problems are `WeightsError`.
import Foundation

public enum ModelError: Error, CustomStringConvertible, Equatable {
    /// A file the folder layout requires is absent.
    case missingFile(path: String, what: String)
    /// A JSON file that does not parse, or a key of the wrong type.
    case badJSON(path: String, problem: String)
    /// A key the model needs is absent.
    case missingKey(path: String, key: String)
    /// A configuration value this port does not implement.
    case unsupported(path: String, key: String, value: String, supported: String)

    public var description: String {
        switch self {
        case let .missingFile(path, what):
            """
            \(path): no such file (\(what))
            hint: a diffusers folder holds model_index.json and unet/, text_encoder/, tokenizer/, vae/, scheduler/; \
            download it completely (e.g. huggingface-cli download <repo> --local-dir <folder>)
            """
        case let .badJSON(path, problem):
            """
            \(path): cannot read the JSON: \(problem)
            hint: the file may be truncated or hand-edited; take it again from the model's repository
            """
        case let .missingKey(path, key):
            """
            \(path): \(key): missing
            hint: this key is required; compare with the config.json of a diffusers release of the same model family
            """
        case let .unsupported(path, key, value, supported):
            """
            \(path): \(key) = \(value) is not supported
            hint: dream3d implements \(key) ∈ {\(supported)} (Stable Diffusion 1.x/2.x architectures)
            """
        }
    }
}

/// Reads and decodes a JSON configuration file, mapping failures to `ModelError`.
func decodeConfiguration<T: Decodable>(_ type: T.Type, at url: URL, what: String) throws(ModelError) -> T {
    guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingFile(path: url.path, what: what) }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let DecodingError.keyNotFound(key, _) {
        throw .missingKey(path: url.path, key: key.stringValue)
    } catch let DecodingError.typeMismatch(_, context) {
        throw .badJSON(path: url.path, problem: "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
    } catch let DecodingError.valueNotFound(_, context) {
        throw .missingKey(path: url.path, key: context.codingPath.map(\.stringValue).joined(separator: "."))
    } catch {
        throw .badJSON(path: url.path, problem: "\(error)")
    }
}
