// PriorExport.swift — writes the built-in prior (its EMA weights, as loaded) as the diffusers folder of
// PriorDiffusersFolder.swift. Configs carry diffusers' and transformers' keys verbatim with their
// "_class_name"/"architectures" markers; tensors keep their checkpoint names (the text encoder's under
// "text_model.", as transformers 4 saves CLIPTextModel and 5 still loads it). U-Net weights are stored
// as F16, which halves the folder; the text encoder (embeddings, layer norms: 0.2 MB) stays F32.
// The folder is built beside `out` and renamed into place: a failure leaves the old folder or none.
import Dream3DCore
import Dream3DModels
import Foundation

/// What an export wrote and what F16 storage costs.
public struct PriorExportReport: Sendable {
    /// Total size of the folder's files.
    public var bytes: Int
    /// max |output with the stored (F16) U-Net − output with the F32 weights| on the check input, and
    /// max |output| there for scale.
    public var f16Deviation: Float, outputScale: Float
}

/// The diffusers version whose file layout and config keys the export follows (and that
/// scripts/check_prior_diffusers.py was run with).
let diffusersLayoutVersion = "0.42.1"
/// Likewise for transformers' CLIPTextConfig keys.
let transformersLayoutVersion = "5.24.0"

/// Exports `model` to `out` (replacing an earlier export there, never anything else) and measures the
/// stored weights against `model`'s on `check`.
public func exportBuiltInPrior(_ model: BuiltInPriorModel, trainingStep: Int, to out: URL,
                               check: PriorCheckInput, unetWeights: SafetensorsDType = .f16) throws -> PriorExportReport {
    let files = FileManager.default
    let exists = files.fileExists(atPath: out.path)
    if exists, (try? files.contentsOfDirectory(atPath: out.path))?.isEmpty != true,
       !files.fileExists(atPath: out.appendingPathComponent("dream3d_prior.json").path) {
        throw PriorFolderError.notAnExport(folder: out.path)
    }
    let parent = out.deletingLastPathComponent()
    try files.createDirectory(at: parent, withIntermediateDirectories: true)
    let staging = parent.appendingPathComponent(".\(out.lastPathComponent).partial-\(UUID().uuidString)")
    defer { try? files.removeItem(at: staging) }
    try writePriorFolder(model, trainingStep: trainingStep, to: staging, unetWeights: unetWeights)

    // Measured on the staged folder read back, so the figure is about exactly what ships.
    let shipped = try loadBuiltInPrior(diffusersFolder: staging)
    let reference = withoutGrad { model(check.z, timesteps: check.timesteps, conditions: check.conditions) }
    let stored = withoutGrad { shipped(check.z, timesteps: check.timesteps, conditions: check.conditions) }
    let deviation = zip(reference.scalars, stored.scalars).map { abs($0 - $1) }.max() ?? 0
    var bytes = 0
    for path in files.subpaths(atPath: staging.path) ?? [] {
        let attributes = try files.attributesOfItem(atPath: staging.appendingPathComponent(path).path)
        if attributes[.type] as? FileAttributeType == .typeRegular { bytes += (attributes[.size] as? Int) ?? 0 }
    }

    let replaced = parent.appendingPathComponent(".\(out.lastPathComponent).replaced-\(UUID().uuidString)")
    if exists { try files.moveItem(at: out, to: replaced) }
    try files.moveItem(at: staging, to: out)
    if exists { try? files.removeItem(at: replaced) }
    return PriorExportReport(bytes: bytes, f16Deviation: deviation, outputScale: reference.scalars.map(abs).max() ?? 0)
}

/// Every file of the layout, into `folder` (created).
func writePriorFolder(_ model: BuiltInPriorModel, trainingStep: Int, to folder: URL, unetWeights: SafetensorsDType) throws {
    for sub in ["unet", "text_encoder", "tokenizer", "scheduler"] {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    func write(_ object: [String: Any], _ path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try writeAtomically(data + Data("\n".utf8), to: folder.appendingPathComponent(path))
    }
    /// A Codable configuration's keys, plus `extra`.
    func keys(_ value: some Encodable, _ extra: [String: Any]) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(value)) as! [String: Any]
        return object.merging(extra) { $1 }
    }
    let diffusers: [String: Any] = ["_diffusers_version": diffusersLayoutVersion]
    try write(diffusers.merging(["_class_name": "Dream3DPriorPipeline", "unet": ["diffusers", "UNet2DConditionModel"],
                                 "text_encoder": ["transformers", "CLIPTextModel"], "tokenizer": ["dream3d", "WordTokenizer"],
                                 "scheduler": ["diffusers", "DDIMScheduler"]]) { $1 }, "model_index.json")
    try write(keys(model.unet.configuration, diffusers.merging(["_class_name": "UNet2DConditionModel"]) { $1 }), "unet/config.json")
    try write(keys(model.configuration.scheduler, diffusers.merging(["_class_name": "DDIMScheduler"]) { $1 }), "scheduler/scheduler_config.json")
    try writeAtomically(Data(clipTextConfig(model.textEncoder.configuration, padId: model.tokenizer.padId).utf8),
                        to: folder.appendingPathComponent("text_encoder/config.json"))
    try writeAtomically(JSONEncoder().encode(model.tokenizer.words), to: folder.appendingPathComponent("tokenizer/vocab.json"))
    try write(keys(BuiltInPriorExtras(model.configuration, trainingStep: trainingStep), [:]), "dream3d_prior.json")
    try writeSafetensors(model.unet.stateDict(), metadata: ["format": "pt"], dtype: unetWeights,
                         to: folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
    try writeSafetensors(model.textEncoder.stateDict(prefix: "text_model."), metadata: ["format": "pt"],
                         to: folder.appendingPathComponent("text_encoder/model.safetensors"))
}

/// text_encoder/config.json with the keys transformers' CLIPTextConfig.save_pretrained writes, floats
/// with a decimal point (transformers 5 validates their types: `1` is no float). The word tokenizer has
/// no BOS/EOS tokens: eos_token_id is the pad id, so CLIPTextModel's pooled output reads the first
/// position after the caption (dream3d conditions on last_hidden_state only).
func clipTextConfig(_ c: CLIPTextConfiguration, padId: Int) -> String {
    """
    {
      "architectures": ["CLIPTextModel"],
      "attention_dropout": 0.0,
      "bos_token_id": null,
      "dtype": "float32",
      "eos_token_id": \(padId),
      "hidden_act": "\(c.hiddenAct)",
      "hidden_size": \(c.hiddenSize),
      "initializer_factor": 1.0,
      "initializer_range": 0.02,
      "intermediate_size": \(c.intermediateSize),
      "layer_norm_eps": \(c.layerNormEps),
      "max_position_embeddings": \(c.maxPositionEmbeddings),
      "model_type": "clip_text_model",
      "num_attention_heads": \(c.numAttentionHeads),
      "num_hidden_layers": \(c.numHiddenLayers),
      "pad_token_id": \(padId),
      "projection_dim": 512,
      "transformers_version": "\(transformersLayoutVersion)",
      "vocab_size": \(c.vocabSize)
    }

    """
}
