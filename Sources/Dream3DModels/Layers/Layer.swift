// Layer.swift — a neural layer that holds its weights under the checkpoint's own key names, and the one
// strict loader every model uses (STYLE.md §2). Mirrors torch.nn.Module's named_parameters/state_dict walk:
// a layer lists its own tensors (`parameters`) and its sub-layers (`children`) under diffusers' or
// transformers' names, so "down_blocks.0.attentions.0.proj_in.weight" is simply the path to a tensor.
import Dream3DCore

/// A layer with checkpoint-named parameters and sub-layers.
public protocol Layer: AnyObject {
    /// This layer's own tensors under their checkpoint names ("weight", "bias").
    var parameters: [(String, Tensor)] { get }
    /// Sub-layers under their checkpoint names ("norm1", "to_out.0"); nil entries are absent options.
    var children: [(String, (any Layer)?)] { get }
}

extension Layer {
    public var parameters: [(String, Tensor)] { [] }
    public var children: [(String, (any Layer)?)] { [] }

    /// Every tensor of this layer and its sub-layers, by dotted checkpoint name, in declaration order.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out = parameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in children {
            if let child { out += child.namedParameters(prefix: prefix + name + ".") }
        }
        return out
    }

    /// Sets every parameter's `name` to its dotted checkpoint name (optimisers and checkpoints key by it;
    /// `load` does this too).
    public func assignParameterNames(prefix: String = "") {
        for (name, tensor) in namedParameters(prefix: prefix) { tensor.name = name }
    }

    /// All trainable tensors (for an optimiser's ParameterGroup).
    public var allParameters: [Tensor] { namedParameters().map(\.1) }

    /// The weights as a name → tensor dictionary (for `writeSafetensors`).
    public func stateDict(prefix: String = "") -> [String: Tensor] {
        Dictionary(namedParameters(prefix: prefix), uniquingKeysWith: { a, _ in a })
    }

    /// Loads every parameter from `file`, where it is stored as `prefix + name`. Strict: a parameter the file
    /// lacks, a shape that differs, or a stored tensor under `prefix` that no parameter uses (and that is not
    /// in `ignoring`) fails with one error listing all of them. F16/BF16 tensors widen to Float32.
    public func load(_ file: SafetensorsFile, prefix: String = "", ignoring: Set<String> = []) throws(WeightsError) {
        let wanted = namedParameters(prefix: prefix)
        var missing: [String] = [], mismatched: [WeightsError.ShapeMismatch] = []
        for (name, tensor) in wanted {
            guard let shape = file.shape(of: name) else { missing.append(name); continue }
            if shape != tensor.shape { mismatched.append(.init(name: name, expected: tensor.shape, found: shape)) }
        }
        let used = Set(wanted.map(\.0))
        let unexpected = file.names.filter { $0.hasPrefix(prefix) && !used.contains($0) && !ignoring.contains($0) }.sorted()
        guard missing.isEmpty, mismatched.isEmpty, unexpected.isEmpty else {
            throw .mismatch(path: file.url.path, missing: missing, unexpected: unexpected, shapes: mismatched)
        }
        for (name, tensor) in wanted {
            do { tensor.scalars = try file.tensor(name).scalars } catch { throw .unreadable(error) }
            tensor.name = name
        }
    }
}
