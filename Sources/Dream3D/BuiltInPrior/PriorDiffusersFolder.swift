// PriorDiffusersFolder.swift — the built-in prior as it ships: a diffusers-layout folder that diffusers'
// UNet2DConditionModel.from_pretrained and transformers' CLIPTextModel.from_pretrained read as they are
// (scripts/check_prior_diffusers.py proves it), and that `loadBuiltInPrior(diffusersFolder:)` reads back
// through the same loaders as any Stable Diffusion folder (Dream3DModels/Pipeline). What diffusers has no
// place for lives in dream3d_prior.json: the image size, how the camera enters, the tokenizer's rules.
//
//   model_index.json                    component classes, as save_pretrained writes them
//   unet/config.json                    UNet2DConditionModel, in_channels 9 = RGB + 6 Plücker channels
//                                       (10 with an opacity channel after RGB, out_channels then 4)
//   unet/diffusion_pytorch_model.safetensors
//   text_encoder/config.json            CLIPTextModel (transformers CLIPTextConfig keys)
//   text_encoder/model.safetensors
//   tokenizer/vocab.json                WordTokenizer: a JSON array of words, id = index
//   scheduler/scheduler_config.json     DDIMScheduler, v_prediction, squaredcos_cap_v2
//   dream3d_prior.json                  BuiltInPriorExtras
import Dream3DCore
import Dream3DModels
import Foundation

/// dream3d_prior.json: what a user of the exported folder needs beyond diffusers' files, and what
/// `loadBuiltInPrior` checks before trusting the folder. Layout lists are written for people and
/// compared on load, so a folder from a dream3d that conditioned differently is refused, not misread.
public struct BuiltInPriorExtras: Codable, Sendable, Equatable {
    public var imageSize: Int
    /// A multi-view prior's views per image (4: a 2×2 tile of views φ + k·90°, view k at row k / 2,
    /// column k % 2, each view's Plücker rays in its quarter, class_labels of view 0); absent: one view.
    public var tiledViews: Int?
    public var pluckerInput: Bool
    /// Meaning of the U-Net's input channels, in order.
    public var unetInputChannels: [String]
    /// Meaning of the class_labels numbers (the projection class embedding's input).
    public var classLabels: [String]
    public var camera: String
    public var imageRange: String
    public var tokenizer: String
    public var trainingStep: Int
    public var dream3dVersion: String

    enum CodingKeys: String, CodingKey {
        case imageSize = "image_size", tiledViews = "tiled_views", pluckerInput = "plucker_input", unetInputChannels = "unet_input_channels"
        case classLabels = "class_labels", camera, imageRange = "image_range", tokenizer
        case trainingStep = "training_step", dream3dVersion = "dream3d_version"
    }

    /// What this dream3d writes for `configuration` (BuiltInPriorModel.unetInput and .cameraNumbers).
    public init(_ configuration: BuiltInPriorConfiguration, trainingStep: Int) {
        imageSize = configuration.imageSize
        tiledViews = configuration.tiledViews
        pluckerInput = configuration.pluckerInput
        unetInputChannels = ["red", "green", "blue"] + (configuration.opacityChannel == true ? ["opacity"] : [])
            + (configuration.pluckerInput ? ["ray_direction_x", "ray_direction_y", "ray_direction_z", "ray_moment_x", "ray_moment_y", "ray_moment_z"] : [])
        classLabels = ["sin(azimuth)", "cos(azimuth)", "sin(elevation)", "cos(elevation)", "distance", "fovy_radians"]
            + (1..<(configuration.azimuthHarmonics ?? 1)).flatMap { k in ["sin(\(k + 1)·azimuth)", "cos(\(k + 1)·azimuth)"] }
            + (configuration.cameraFamilies ?? []).flatMap { name in
                ["sin(azimuth)", "cos(azimuth)", "sin(2·azimuth)", "cos(2·azimuth)"].map { "\(name): \($0)" }
            }
        camera = """
            orbit camera looking at the origin, z up: eye = distance·(cos e cos a, cos e sin a, sin e); \
            rays through pixel centres, rows from the top; ray moment = eye × unit direction (world units); \
            a dropped camera is all zeros in both the ray channels and class_labels; labels "<object>: …" are \
            zeros unless the caption (kept, not dropped) names that object as whole words
            """
        imageRange = "[-1, 1] (2·rgb − 1, and 2·opacity − 1 for an opacity channel), NCHW; the U-Net's output has the image's channels"
        tokenizer = """
            lower-case, split on every character that is not a letter or digit, id = index in vocab.json \
            (unknown words → <unk>), pad with <pad> to max_position_embeddings; the empty caption is the \
            unconditional one
            """
        self.trainingStep = trainingStep
        dream3dVersion = Dream3DCore.dream3dVersion
    }

    /// The fields that decide how inputs are built; the rest is description.
    func sameLayout(as other: BuiltInPriorExtras) -> Bool {
        (tiledViews, pluckerInput, unetInputChannels, classLabels) == (other.tiledViews, other.pluckerInput, other.unetInputChannels, other.classLabels)
    }
}

/// Files `loadBuiltInPrior` reads, with what each holds (for the error naming a missing one).
let priorFolderFiles = [
    ("dream3d_prior.json", "the image size and camera conditioning"),
    ("unet/config.json", "the U-Net's configuration"), ("unet/diffusion_pytorch_model.safetensors", "the U-Net's weights"),
    ("text_encoder/config.json", "the text encoder's configuration"), ("text_encoder/model.safetensors", "the text encoder's weights"),
    ("tokenizer/vocab.json", "the word vocabulary"), ("scheduler/scheduler_config.json", "the noise schedule"),
]

/// The built-in prior from a folder `exportBuiltInPrior` wrote.
public func loadBuiltInPrior(diffusersFolder folder: URL) throws -> BuiltInPriorModel {
    for (file, what) in priorFolderFiles where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path) {
        throw PriorFolderError.missingFile(path: folder.appendingPathComponent(file).path, what: what)
    }
    let extrasURL = folder.appendingPathComponent("dream3d_prior.json")
    let extras: BuiltInPriorExtras
    do { extras = try JSONDecoder().decode(BuiltInPriorExtras.self, from: Data(contentsOf: extrasURL)) } catch {
        throw PriorFolderError.unreadable(path: extrasURL.path, problem: "\(error)")
    }
    var configuration = BuiltInPriorConfiguration()
    configuration.imageSize = extras.imageSize
    configuration.tiledViews = extras.tiledViews
    configuration.pluckerInput = extras.pluckerInput
    configuration.opacityChannel = extras.unetInputChannels.contains("opacity") ? true : nil
    let objectLabels = extras.classLabels.filter { $0.contains(": ") }
    var objects: [String] = []
    for label in objectLabels { let name = String(label.prefix { $0 != ":" }); if objects.last != name { objects.append(name) } }
    configuration.setAzimuthHarmonics((extras.classLabels.count - objectLabels.count - 4) / 2)
    configuration.setCameraFamilies(objects)
    guard extras.sameLayout(as: BuiltInPriorExtras(configuration, trainingStep: 0)) else {
        throw PriorFolderError.unreadable(path: extrasURL.path, problem: "its input layout is not the one this dream3d builds")
    }
    let unet = try UNet2DConditionModel(folder: folder.appendingPathComponent("unet"))
    let textEncoder = try CLIPTextModel(folder: folder.appendingPathComponent("text_encoder"))
    let scheduler = try DDIMScheduler(folder: folder.appendingPathComponent("scheduler"))
    let text = textEncoder.configuration
    let vocabulary = folder.appendingPathComponent("tokenizer/vocab.json")
    let tokenizer = try WordTokenizer(contentsOf: vocabulary, maxLength: text.maxPositionEmbeddings)
    guard tokenizer.words.count == text.vocabSize else {
        throw PriorFolderError.unreadable(path: vocabulary.path, problem: "\(tokenizer.words.count) words for the text encoder's vocab_size \(text.vocabSize)")
    }
    let u = unet.configuration
    guard u.inChannels == extras.unetInputChannels.count, u.outChannels == configuration.imageChannels, u.classEmbedType == "projection",
          u.projectionClassEmbeddingsInputDim == extras.classLabels.count else {
        throw PriorFolderError.unreadable(path: folder.appendingPathComponent("unet/config.json").path, problem: """
            in_channels \(u.inChannels), out_channels \(u.outChannels), class_embed_type \(u.classEmbedType ?? "null") \
            do not fit \(extras.unetInputChannels.count) input channels, \(configuration.imageChannels) outputs and \(extras.classLabels.count) projected class labels
            """)
    }
    configuration.unet = u
    configuration.textEncoder = text
    configuration.scheduler = scheduler.configuration
    return BuiltInPriorModel(configuration, unet: unet, textEncoder: textEncoder, tokenizer: tokenizer)
}
