// GuidancePrior.swift — which prior guides a run: the built-in prior shipped in Assets/priors/builtin,
// or a prior folder the user names (a `dream3d prior train` folder or a `dream3d prior export` folder).
import Dream3DShapes
import Foundation

/// The built-in prior's shipped folder, inside the Assets folder.
public func shippedPriorFolder() throws -> URL {
    try AssetLocator.assetsFolder().appendingPathComponent("priors/builtin", isDirectory: true)
}

/// The built-in prior from `model` (a prior training or exported folder), or the shipped one when nil.
public func loadGuidancePrior(guidance: String, model: URL?) throws -> BuiltInPriorModel {
    guard guidance == "builtin" else { throw GenerationError.unknownGuidance(guidance) }
    let folder = try model ?? shippedPriorFolder()
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint.safetensors").path) {
        return try loadTrainedPrior(folder: folder).model
    }
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("model_index.json").path) {
        return try loadBuiltInPrior(diffusersFolder: folder)
    }
    throw GenerationError.noPrior(path: folder.path)
}
