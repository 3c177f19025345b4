// GuidancePrior.swift — which prior guides a run: the built-in prior shipped in Assets/priors/builtin or a
// prior folder the user names (a `dream3d prior train` folder or a `dream3d prior export` folder), or
// Stable Diffusion from a diffusers folder (`--guidance sd --model FOLDER`).
import Dream3DCore
import Dream3DModels
import Dream3DShapes
import Foundation

/// The built-in prior's shipped folder, inside the Assets folder.
public func shippedPriorFolder() throws -> URL {
    try AssetLocator.assetsFolder().appendingPathComponent("priors/builtin", isDirectory: true)
}

/// The prior `guidance` names ("builtin" or "sd", TrainingConfiguration.guidances) from `model`:
/// for "builtin" a prior folder (nil: the shipped one), for "sd" a diffusers Stable Diffusion folder
/// (required), rendering and encoding at `configuration.stableDiffusion`'s sizes.
public func loadGuidancePrior(guidance: String, model: URL?, configuration: TrainingConfiguration) throws -> any DiffusionPrior {
    switch guidance {
    case "builtin":
        return try loadBuiltInPrior(model: model)
    case "sd":
        guard let model else { throw GenerationError.missingModel(guidance: guidance) }
        let pipeline = try DiffusersPipeline(folder: model)
        guard let vae = pipeline.vae else { throw GenerationError.notLatentDiffusion(path: model.path) }
        // Text-to-image U-Nets only: an inpainting U-Net takes mask channels, an upscaler a noise level.
        let unet = pipeline.unet.configuration, config = model.appendingPathComponent("unet/config.json").path
        guard unet.inChannels == vae.configuration.latentChannels else {
            throw ModelLoadError.model(.unsupported(path: config, key: "in_channels", value: "\(unet.inChannels)",
                                                    supported: "\(vae.configuration.latentChannels), the VAE's latent_channels (a text-to-image U-Net)"))
        }
        guard unet.classEmbedType == nil else {
            throw ModelLoadError.model(.unsupported(path: config, key: "class_embed_type", value: unet.classEmbedType!,
                                                    supported: "null (a text-to-image U-Net)"))
        }
        return try StableDiffusionPrior(pipeline: pipeline, settings: configuration.stableDiffusion)
    default:
        throw GenerationError.unknownGuidance(guidance)
    }
}

/// The built-in prior from `model` (a prior training or exported folder), or the shipped one when nil.
public func loadBuiltInPrior(model: URL?) throws -> BuiltInPriorModel {
    let folder = try model ?? shippedPriorFolder()
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint.safetensors").path) {
        return try loadTrainedPrior(folder: folder).model
    }
    if FileManager.default.fileExists(atPath: folder.appendingPathComponent("model_index.json").path) {
        return try loadBuiltInPrior(diffusersFolder: folder)
    }
    throw GenerationError.noPrior(path: folder.path)
}

/// Which prior `loadBuiltInPrior(model:)` loads, in words, with its training step when the folder says
/// (the quality gate's report names it); reads metadata only.
public func guidancePriorDescription(model: URL?) -> String {
    let shipped = model == nil
    guard let folder = try? model ?? shippedPriorFolder() else { return "the shipped built-in prior (Assets/ not found)" }
    let name = shipped ? "the shipped built-in prior (\(folder.path))" : folder.path
    if let file = try? SafetensorsFile(contentsOf: folder.appendingPathComponent("checkpoint.safetensors")),
       let step = file.metadata["step"] {
        return "\(name), training checkpoint at step \(step)"
    }
    if let data = try? Data(contentsOf: folder.appendingPathComponent("dream3d_prior.json")),
       let extras = try? JSONDecoder().decode(BuiltInPriorExtras.self, from: data) {
        return "\(name), exported at training step \(extras.trainingStep)"
    }
    return name
}
