// GenerationError.swift — why a generation run could not start or go on, each with the fix.
import Foundation

public enum GenerationError: Error, CustomStringConvertible, Equatable {
    case emptyPrompt
    case unwritableFolder(path: String, reason: String)
    case notARunFolder(path: String)
    case nonFinite(step: Int, lastCheckpointStep: Int?)
    case unknownGuidance(String)
    case noPrior(path: String)
    case missingModel(guidance: String)
    case notLatentDiffusion(path: String)
    case vsdNeedsNetwork(prior: String)
    case multiViewMethod(method: String)

    public var description: String {
        switch self {
        case .emptyPrompt:
            return "the prompt is empty\nhint: say what to make, e.g. dream3d \"a teddy bear\"; `dream3d prior info` lists what the built-in prior knows"
        case let .unwritableFolder(path, reason):
            return "cannot write the run folder \(path): \(reason)\nhint: pass --out with a folder you can write"
        case let .notARunFolder(path):
            return "\(path) is not a run folder (no run.json, config.yaml or checkpoint.safetensors)\nhint: pass a folder written by `dream3d generate`"
        case let .nonFinite(step, last):
            let kept = last.map { "the checkpoint of step \($0) is kept" } ?? "no checkpoint was written yet"
            return "the scene's parameters became NaN or infinite at step \(step); \(kept)\nhint: lower the learning rates or the guidance scale (--set sds.guidanceScale=…), or change --seed"
        case let .unknownGuidance(name):
            return "unknown guidance \"\(name)\"\nhint: use --guidance builtin (the shipped prior) or --guidance sd --model <a diffusers Stable Diffusion folder>"
        case let .noPrior(path):
            return "\(path) holds no prior (neither checkpoint.safetensors of `dream3d prior train` nor a diffusers model_index.json)\nhint: pass --model with a prior training folder or a `dream3d prior export` folder"
        case let .missingModel(guidance):
            return "--guidance \(guidance) needs the model's weights\nhint: pass --model with a diffusers Stable Diffusion folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/), e.g. huggingface-cli download <repo> --local-dir <folder>"
        case let .notLatentDiffusion(path):
            return "\(path): model_index.json lists no vae, so this is no latent diffusion (Stable Diffusion) model\nhint: pass a Stable Diffusion folder to --guidance sd, or use --guidance builtin --model \(path) for a pixel-space prior folder"
        case let .vsdNeedsNetwork(prior):
            return "VSD trains its score model ε_ψ as LoRA on the guiding prior's U-Net, and \(prior) has none\nhint: use --method sds or --method sjc with this prior, or guide with a network prior (--guidance builtin or --guidance sd)"
        case let .multiViewMethod(method):
            return "--method \(method) does not yet guide with a multi-view (tiled) prior; only SDS does\nhint: use --method sds with this prior, or a single-view prior such as the shipped one (no --model)"
        }
    }
}
