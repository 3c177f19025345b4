// BuiltInPriorModel.swift — the built-in prior's networks and how conditions reach them: text through
// the word tokenizer and the small CLIP text encoder (cross-attention), the camera as Plücker ray maps
// concatenated to the noisy image and as 6 numbers through the class embedding.
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
import Foundation

/// Which conditions a forward pass sees (dropped ones are zeros / the empty caption): per image a caption
/// and its views' cameras — one camera per image, or for a tiled prior (`viewsPerImage` V) image i's
/// views at cameras[V·i ..< V·(i+1)].
public struct PriorConditions {
    public var captions: [String]
    public var cameras: [Camera]
    /// Per image: keep the caption (false → empty caption).
    public var keepText: [Bool]
    /// Per image: keep the camera (false → zero ray maps and zero camera numbers).
    public var keepCamera: [Bool]

    public init(captions: [String], cameras: [Camera], keepText: [Bool]? = nil, keepCamera: [Bool]? = nil) {
        precondition(!captions.isEmpty && cameras.count % captions.count == 0, "\(cameras.count) cameras for \(captions.count) captions")
        self.captions = captions
        self.cameras = cameras
        self.keepText = keepText ?? captions.map { _ in true }
        self.keepCamera = keepCamera ?? captions.map { _ in true }
    }

    /// The cameras of image i's views.
    func views(of i: Int) -> ArraySlice<Camera> {
        let v = cameras.count / captions.count
        return cameras[(v * i)..<(v * (i + 1))]
    }
}

extension PriorConditions {
    /// Multi-view groups as a tiled prior sees them: each group one image, captioned as its view 0, seen
    /// from its views' cameras.
    init(groups: [[DatasetExample]], keepText: [Bool]? = nil, keepCamera: [Bool]? = nil) {
        self.init(captions: groups.map { $0[0].caption }, cameras: groups.flatMap { $0.map(\.camera) }, keepText: keepText, keepCamera: keepCamera)
    }
}

extension BuiltInPriorConfiguration {
    /// One rendered view as the prior denoises it: [imageChannels, S, S] in [0, 1], RGB then the opacity.
    func priorView(_ example: DatasetExample) -> Tensor {
        guard opacityChannel == true else { return example.image }
        let s = example.image.shape[1]
        return Tensor(shape: [4, s, s], scalars: example.image.scalars + example.opacity.scalars)
    }

    /// Examples as the prior's images, flat [N, imageChannels, S, S] in [0, 1].
    func images(_ examples: [DatasetExample]) -> [Float] {
        examples.flatMap { priorView($0).scalars }
    }

    /// Multi-view groups tiled (`tileViews`), flat [N, imageChannels, 2S, 2S] in [0, 1].
    func tiledImages(_ groups: [[DatasetExample]]) -> [Float] {
        groups.flatMap { tileViews($0.map(priorView)).scalars }
    }
}

public final class BuiltInPriorModel {
    public let configuration: BuiltInPriorConfiguration
    public let unet: UNet2DConditionModel
    public let textEncoder: CLIPTextModel
    public let tokenizer: WordTokenizer
    public let schedule: NoiseSchedule

    /// Fresh weights (seeded) for `vocabulary` (the prompt grammar's words).
    public convenience init(_ configuration: BuiltInPriorConfiguration, vocabulary: [String], seed: UInt64) throws(ModelError) {
        let tokenizer = WordTokenizer(vocabulary: vocabulary, maxLength: configuration.textEncoder.maxPositionEmbeddings)
        var text = configuration.textEncoder
        text.vocabSize = tokenizer.words.count
        try self.init(configuration, unet: UNet2DConditionModel(configuration.unet), textEncoder: CLIPTextModel(text), tokenizer: tokenizer)
        var generator = SeededGenerator(seed: seed).split("prior init")
        Self.initialise(unet.namedParameters() + textEncoder.namedParameters(), using: &generator)
    }

    /// Networks built (or loaded) elsewhere, e.g. from an exported diffusers folder.
    public init(_ configuration: BuiltInPriorConfiguration, unet: UNet2DConditionModel, textEncoder: CLIPTextModel, tokenizer: WordTokenizer) {
        self.configuration = configuration
        self.unet = unet
        self.textEncoder = textEncoder
        self.tokenizer = tokenizer
        schedule = NoiseSchedule(configuration.scheduler)
    }

    /// Every trainable tensor, U-Net then text encoder, under checkpoint-style names.
    public var namedParameters: [(String, Tensor)] {
        unet.namedParameters(prefix: "unet.") + textEncoder.namedParameters(prefix: "text_encoder.")
    }

    /// torch-style initialisation: weights uniform in ±1/√fan_in, norms' weights 1 and biases 0, the
    /// U-Net's last convolution at zero (the output starts at ε̂ = 0, a common diffusion init).
    static func initialise(_ parameters: [(String, Tensor)], using generator: inout SeededGenerator) {
        for (name, p) in parameters {
            let isNorm = name.contains("norm") || name.contains("layer_norm")
            if name.hasSuffix("bias") || name.hasPrefix("conv_out") {
                p.scalars = [Float](repeating: 0, count: p.count)
            } else if isNorm {
                p.scalars = [Float](repeating: 1, count: p.count)
            } else {
                let fanIn = p.count / max(1, p.shape[0]), bound = 1 / Float(max(1, fanIn)).squareRoot()
                p.scalars = generator.uniforms(p.count, in: -bound...bound)
            }
            _ = p.requiringGrad()
        }
    }

    /// The camera numbers of the class embedding: sin/cos of azimuth and elevation, distance, fovy,
    /// then sin/cos of k·azimuth for the harmonics k = 2…H (BuiltInPriorConfiguration.azimuthHarmonics).
    static func cameraNumbers(_ camera: Camera, harmonics: Int = 1) -> [Float] {
        let a = camera.azimuth * .pi / 180, e = camera.elevation * .pi / 180
        return [sin(a), cos(a), sin(e), cos(e), camera.distance, camera.fovy]
            + (1..<max(1, harmonics)).flatMap { k in [sin(Float(k + 1) * a), cos(Float(k + 1) * a)] }
    }

    /// ε̂ for noisy images z [N, C, S, S] (C = imageChannels) at timesteps `t` (one per image) under `conditions`, converted
    /// from the model's own output (v or ε, as `scheduler.predictionType` says).
    public func predictNoise(_ z: Tensor, timesteps t: [Int], conditions: PriorConditions, textStates: Tensor? = nil,
                             addedEmbedding: Tensor? = nil) -> Tensor {
        let output = self(z, timesteps: t, conditions: conditions, textStates: textStates, addedEmbedding: addedEmbedding)
        let type = configuration.scheduler.predictionType
        guard type != "epsilon" else { return output }
        let n = z.shape[0]
        // Per-example (α_t, σ_t) as [N, 1, 1, 1] so the conversion stays on the tape.
        func perExample(_ f: (Int) -> Float) -> Tensor { Tensor(shape: [n, 1, 1, 1], scalars: t.map(f)) }
        let a = perExample(schedule.alpha), s = perExample(schedule.sigma)
        switch type {
        case "v_prediction": return output * a + z * s           // ε = α v + σ z_t
        default: return (z - output * a) / s                       // "sample": ε = (z_t − α x̂₀) / σ
        }
    }

    /// The U-Net's raw output (ε̂, v̂ or x̂₀ per `scheduler.predictionType`) for noisy images z [N, C, S, S]
    /// at timesteps `t` (one per image) under `conditions`. `textStates` (from `encodeText`) saves
    /// re-encoding captions that many calls share; `addedEmbedding` goes to the U-Net's time embedding.
    public func callAsFunction(_ z: Tensor, timesteps t: [Int], conditions: PriorConditions, textStates: Tensor? = nil,
                               addedEmbedding: Tensor? = nil) -> Tensor {
        unet(unetInput(z, conditions: conditions), timesteps: t.map(Float.init),
             encoderHiddenStates: textStates ?? encodeText(conditions), classLabels: classLabels(conditions), addedEmbedding: addedEmbedding)
    }

    /// The text encoder's last_hidden_state [N, L, hidden] for the captions (the empty caption where
    /// the text is dropped).
    public func encodeText(_ conditions: PriorConditions) -> Tensor {
        textEncoder(tokenIDs(conditions))
    }

    /// Token ids [N][L] of the captions, empty where the text is dropped.
    func tokenIDs(_ conditions: PriorConditions) -> [[Int]] {
        conditions.captions.indices.map { i in tokenizer.tokenize(conditions.keepText[i] ? conditions.captions[i] : "").ids }
    }

    /// z [N, C, S, S] with each camera's 6 Plücker channels after the image ones (zeros where the
    /// camera is dropped; a tiled prior's views each fill their quarter) → [N, C + 6, S, S]; z itself
    /// without Plücker input.
    func unetInput(_ z: Tensor, conditions: PriorConditions) -> Tensor {
        guard configuration.pluckerInput else { return z }
        let n = z.shape[0], s = configuration.imageSize, v = configuration.viewSize
        let maps = (0..<n).flatMap { i -> [Float] in
            guard conditions.keepCamera[i] else { return [Float](repeating: 0, count: 6 * s * s) }
            let rays = conditions.views(of: i).map { pluckerRays($0.withSize(v)) }
            return rays.count == 1 ? rays[0].scalars : tileViews(rays).scalars
        }
        return Tensor.concatenate([z, Tensor(shape: [n, 6, s, s], scalars: maps)], axis: 1)
    }

    /// The per-object camera numbers (BuiltInPriorConfiguration.cameraFamilies): sin/cos of the azimuth and
    /// of twice it in the slot of the object `caption` names, zeros elsewhere.
    static func objectCameraNumbers(_ camera: Camera, caption: String?, families: [String]) -> [Float] {
        var numbers = [Float](repeating: 0, count: 4 * families.count)
        guard let caption, let k = family(namedIn: caption, among: families) else { return numbers }
        let a = camera.azimuth * .pi / 180
        numbers.replaceSubrange((4 * k)..<(4 * k + 4), with: [sin(a), cos(a), sin(2 * a), cos(2 * a)])
        return numbers
    }

    /// The object of `families` a caption names (whole words; the longest name when several match).
    static func family(namedIn caption: String, among families: [String]) -> Int? {
        let words = " " + PromptGrammar.words(caption).joined(separator: " ") + " "
        return families.indices.filter { words.contains(" " + PromptGrammar.words(families[$0]).joined(separator: " ") + " ") }
            .max { families[$0].count < families[$1].count }
    }

    /// The class embedding's input [N, cameraNumberCount]: `cameraNumbers` of each image's (first) view,
    /// then its per-object numbers (from the caption, when kept), zeros where the camera is dropped.
    func classLabels(_ conditions: PriorConditions) -> Tensor {
        let count = configuration.cameraNumberCount, harmonics = configuration.azimuthHarmonics ?? 1
        return Tensor(shape: [conditions.captions.count, count], scalars: conditions.captions.indices.flatMap { i -> [Float] in
            guard conditions.keepCamera[i] else { return [Float](repeating: 0, count: count) }
            let camera = conditions.views(of: i).first!
            guard let families = configuration.cameraFamilies else { return Self.cameraNumbers(camera, harmonics: harmonics) }
            return Self.cameraNumbers(camera, harmonics: harmonics)
                + Self.objectCameraNumbers(camera, caption: conditions.keepText[i] ? conditions.captions[i] : nil, families: families)
        })
    }
}
