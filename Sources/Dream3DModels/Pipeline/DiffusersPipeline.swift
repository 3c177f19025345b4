// DiffusersPipeline.swift — loading a diffusers Stable Diffusion folder (the layout StableDiffusionPipeline.
// save_pretrained writes): model_index.json naming each component's class, and unet/, text_encoder/,
// tokenizer/, vae/, scheduler/ each with its config and weights (F32 or F16 safetensors). Every problem is a
// typed `ModelLoadError` naming the file, key or tensors at fault, with a hint.
import Foundation
import Dream3DCore

public struct DiffusersPipeline {
    public let unet: UNet2DConditionModel
    public let textEncoder: CLIPTextModel
    public let tokenizer: CLIPTokenizer
    /// nil when model_index.json lists no VAE (a pixel-space prior such as dream3d's built-in one).
    public let vae: AutoencoderKL?
    /// Built from scheduler/scheduler_config.json whatever scheduler class the folder names (PNDM, DDIM, …
    /// share the noise schedule keys); dream3d samples with DDIM.
    public let scheduler: DDIMScheduler

    /// The classes this port implements for each component of model_index.json.
    static let supportedClasses = [
        "unet": ["UNet2DConditionModel"], "text_encoder": ["CLIPTextModel"], "tokenizer": ["CLIPTokenizer", "CLIPTokenizerFast"],
        "vae": ["AutoencoderKL"],
    ]

    public init(folder: URL) throws(ModelLoadError) {
        let indexURL = folder.appendingPathComponent("model_index.json")
        guard let data = FileManager.default.contents(atPath: indexURL.path) else {
            throw .model(.missingFile(path: indexURL.path, what: "the pipeline's component list"))
        }
        guard let index = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .model(.badJSON(path: indexURL.path, problem: "not a JSON object"))
        }
        func component(_ key: String, required: Bool) throws(ModelLoadError) -> Bool {
            guard let entry = index[key] as? [Any?], entry.count == 2, let className = entry[1] as? String else {
                if required { throw .model(.missingKey(path: indexURL.path, key: key)) }
                return false
            }
            if let supported = Self.supportedClasses[key], !supported.contains(className) {
                throw .model(.unsupported(path: indexURL.path, key: key, value: className, supported: supported.joined(separator: ", ")))
            }
            if key == "scheduler", !className.hasSuffix("Scheduler") {
                throw .model(.unsupported(path: indexURL.path, key: key, value: className, supported: "a diffusers *Scheduler with DDPM betas"))
            }
            return true
        }
        _ = try component("unet", required: true)
        _ = try component("text_encoder", required: true)
        _ = try component("tokenizer", required: true)
        _ = try component("scheduler", required: true)
        let hasVAE = try component("vae", required: false)

        unet = try UNet2DConditionModel(folder: folder.appendingPathComponent("unet"))
        textEncoder = try CLIPTextModel(folder: folder.appendingPathComponent("text_encoder"))
        do { tokenizer = try CLIPTokenizer(folder: folder.appendingPathComponent("tokenizer")) } catch { throw .tokenizer(error) }
        vae = hasVAE ? try AutoencoderKL(folder: folder.appendingPathComponent("vae")) : nil
        do { scheduler = try DDIMScheduler(folder: folder.appendingPathComponent("scheduler")) } catch { throw .model(error) }
        guard textEncoder.configuration.hiddenSize == unet.configuration.crossAttentionDim else {
            throw .model(.unsupported(path: folder.appendingPathComponent("unet/config.json").path, key: "cross_attention_dim",
                                      value: "\(unet.configuration.crossAttentionDim)",
                                      supported: "the text encoder's hidden_size \(textEncoder.configuration.hiddenSize)"))
        }
    }

    /// last_hidden_state [1, 77, hidden] of one prompt (tokenized, padded to 77).
    public func encode(prompt: String) -> Tensor { withoutGrad { textEncoder([tokenizer(prompt)]) } }
}
