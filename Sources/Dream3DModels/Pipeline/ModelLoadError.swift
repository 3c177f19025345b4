// ModelLoadError.swift — any failure while loading a model folder: its configuration (`ModelError`), its
// weights (`WeightsError`, which wraps an unreadable safetensors file) or its tokenizer (`TokenizerError`).
import Foundation
import Dream3DCore

public enum ModelLoadError: Error, CustomStringConvertible {
    case model(ModelError)
    case weights(WeightsError)
    case tokenizer(TokenizerError)

    public var description: String {
        switch self {
        case let .model(error): error.description
        case let .weights(error): error.description
        case let .tokenizer(error): error.description
        }
    }
}

/// Loads `layer` from the first of `names` that exists in `folder` (diffusers' F32 name, then its fp16 variant).
func loadWeights(_ layer: any Layer, folder: URL, names: [String], prefix: String = "",
                 ignoring: Set<String> = []) throws(ModelLoadError) {
    guard let url = names.lazy.map({ folder.appendingPathComponent($0) }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
        throw .model(.missingFile(path: folder.appendingPathComponent(names[0]).path, what: "the model's weights"))
    }
    let file: SafetensorsFile
    do { file = try SafetensorsFile(contentsOf: url) } catch { throw .weights(.unreadable(error)) }
    do { try layer.load(file, prefix: prefix, ignoring: ignoring) } catch { throw .weights(error) }
}
