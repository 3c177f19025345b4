// BuiltInPriorConfiguration.swift — the shape of dream3d's own pixel-space prior and how it trains.
// Architecture from the feasibility probe (DESIGN.md §9): a diffusers UNet2DConditionModel at 32²,
// 32/64/128 channels, one layer per block, cross-attention only at 8² and in the mid block; a one-layer
// CLIP text encoder over the prompt grammar's words. The camera enters twice (issue 9): as per-pixel
// Plücker ray maps concatenated to the noisy image (6 channels: spatial camera information), and as 6
// numbers through the projection class embedding, as the probe did.
import Dream3DModels
import Dream3DShapes

public struct BuiltInPriorConfiguration: Codable, Sendable, Equatable {
    public var imageSize = 32
    /// Concatenate the 6 Plücker channels (d, o × d) of each pixel's ray to the U-Net input.
    public var pluckerInput = true
    public var unet = BuiltInPriorConfiguration.probeUNet(inChannels: 9)
    public var textEncoder: CLIPTextConfiguration = {
        var c = CLIPTextConfiguration()
        c.hiddenSize = 64
        c.intermediateSize = 128
        c.numHiddenLayers = 1
        c.numAttentionHeads = 4
        c.maxPositionEmbeddings = 16
        c.hiddenAct = "gelu"
        return c
    }()
    /// squaredcos_cap_v2 (cosine) with v-prediction (Salimans & Ho 2022). The probe used ε-prediction;
    /// at the cosine schedule's last steps ᾱ is ~1e-4 and x̂₀ = (z − σ ε̂)/α amplifies ε̂'s error
    /// 100-fold (one-step x̂₀ PSNR fell to 1.3 dB at t = 950 in a 500-step run), so the sampler's first
    /// steps are noise; v̂ gives x̂₀ = α z − σ v̂ with bounded error at every t.
    public var scheduler: SchedulerConfiguration = {
        var c = SchedulerConfiguration()
        c.betaSchedule = "squaredcos_cap_v2"
        c.predictionType = "v_prediction"
        c.timestepSpacing = "trailing"          // sampling starts at t = 999, pure noise (Lin et al. 2024)
        c.clipSample = false
        return c
    }()
    public var batchSize = 32
    /// AdamW 1e-3, EMA 0.995, SNR weights capped at γ = 5 (PriorTrainer.weightedLoss) as in the probe.
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 0.01
    public var emaDecay: Float = 0.995
    public var minSNRGamma: Float = 5
    /// Condition dropout: both text and camera 10% of the time, text alone 5% (the probe's split), so
    /// classifier-free guidance can drop the text while keeping the camera.
    public var dropBothProbability: Float = 0.10
    public var dropTextProbability: Float = 0.05
    /// Issue 9: batches of V views of one instance (azimuths φ + k·360°/V) that share their timestep,
    /// noise and condition dropout; nil: independent examples. Within such a group only the camera and
    /// what it changes in the image differ, and with evenly spaced views sin and cos of the azimuth sum
    /// to zero over a group, so the errors the views share (colour, background, proportions, the noise)
    /// enter the camera numbers' gradient with weights that cancel to first order. Unbiased: each view is
    /// still a draw from the training distribution. Measured: no camera margin within 1250 fine-tuning
    /// steps (the model card's "Teaching it the camera").
    public var sharedNoiseViews: Int? = nil
    /// Issue 9: this share of the timesteps is drawn from `highNoise` instead of the whole schedule
    /// (nil: uniform). The camera decides the image only where x_t no longer shows the silhouette (from
    /// t ≈ 800 of the cosine schedule, where α_t < 0.3), a sixth of uniform draws.
    public var highNoiseShare: Float? = nil
    public var highNoise = 800..<1000
    /// How the views of a group are lit (`sharedNoiseViews`); nil: per view. `.followsCamera` keeps every
    /// view's light where the first view's is relative to its camera, so the views differ only by the
    /// object's turn: per-view lights make a third of the views' differences (measured on 120 groups).
    public var groupLight: GroupLight? = nil
    /// Issue 9: the class embedding's camera numbers carry sin/cos of k·azimuth for k = 1…H (nil: H = 1).
    /// A silhouette's width returns every half turn (a car is long from either side), a second
    /// harmonic, which sin/cos of the azimuth alone reach only through the embedding's nonlinearity.
    public var azimuthHarmonics: Int? = nil
    /// Issue 9: the class embedding (the camera numbers' path) learns at this multiple of the learning
    /// rate (nil: 1), so the camera's small share of the gradient moves it sooner.
    public var cameraEmbeddingLearningRateScale: Float? = nil
    /// Issue 9, multi-view (MVDream, Zero123++): each image is a 2×2 tile of 4 views of one object at
    /// azimuths φ + k·90° (`tileViews`: view k at row k / 2, column k % 2), `imageSize` the tile's side;
    /// the views share one caption (view 0's), and the class embedding gets view 0's camera while every
    /// view's own Plücker rays fill its quarter of the ray channels. nil: one view per image.
    public var tiledViews: Int? = nil
    /// Issue 9, with `tiledViews`: this share of tiles has its first view given clean (not noised) and
    /// left out of the loss, so the prior learns to draw an object's other three views from one
    /// (novel-view synthesis, as Zero123++ draws its views from a reference image) and its views must
    /// agree in 3D; SDS can then ask for the other views of its own first render
    /// (ScoreDistillation.cleanFirstViewProbability). nil: every view noised.
    public var cleanFirstViewShare: Float? = nil
    /// Issue 9: the prior denoises each view's opacity (its coverage, 0 background … 1 object) as a fourth
    /// image channel after RGB, and SDS guides the render's opacity with it (DiffusionPrior.judgesOpacity).
    /// In RGB the silhouette is a small part of the squared error beside the random background and
    /// colours that every view shares; in the opacity channel it is all of it, so the loss pays for
    /// getting the object's turn right. nil: RGB only.
    public var opacityChannel: Bool? = nil

    /// Channels of the images the prior denoises: RGB, then the opacity with `opacityChannel`.
    public var imageChannels: Int { opacityChannel == true ? 4 : 3 }

    /// Adds the opacity channel (`opacityChannel`) to the U-Net's input and output.
    public mutating func addOpacityChannel() {
        precondition(opacityChannel != true, "already has an opacity channel")
        opacityChannel = true
        unet.inChannels += 1
        unet.outChannels += 1
    }

    /// Views in one image: 4 for a tiled prior, else 1.
    public var viewsPerImage: Int { tiledViews ?? 1 }
    /// Side of one view: the image's, or half of it for a 2×2 tile.
    public var viewSize: Int { tiledViews == nil ? imageSize : imageSize / 2 }

    /// Makes this a 2×2 tiled prior over views of the current `imageSize` (the U-Net sees twice the side).
    public mutating func tile() {
        precondition(tiledViews == nil, "already tiled")
        tiledViews = 4
        imageSize *= 2
        unet.sampleSize = imageSize
    }

    /// Issue 9: objects with camera numbers of their own. After the shared numbers the class embedding
    /// takes, per object here, sin/cos of the azimuth and of twice the azimuth, filled only in the slot of
    /// the object the caption names (zeros elsewhere, and everywhere when the caption is dropped or
    /// names none of them). How an object's silhouette turns is its own; with the shared numbers alone
    /// the U-Net must learn object × camera as an interaction, and 7000 steps on 24 objects learnt none
    /// of it, while a prior trained on one object (cars) learnt its camera within 200 steps (the model
    /// card). nil: shared numbers only.
    public var cameraFamilies: [String]? = nil

    /// How many camera numbers the class embedding takes: sin/cos of each azimuth harmonic, sin/cos of
    /// the elevation, distance, field of view, then four per object of `cameraFamilies`.
    public var cameraNumberCount: Int { 2 * (azimuthHarmonics ?? 1) + 4 + 4 * (cameraFamilies?.count ?? 0) }

    /// Sets `cameraFamilies` (empty: nil) and the U-Net's class-embedding input to match.
    public mutating func setCameraFamilies(_ names: [String]) {
        cameraFamilies = names.isEmpty ? nil : names
        unet.projectionClassEmbeddingsInputDim = cameraNumberCount
    }

    /// Sets `azimuthHarmonics` (1: nil) and the U-Net's class-embedding input to match.
    public mutating func setAzimuthHarmonics(_ harmonics: Int) {
        azimuthHarmonics = harmonics > 1 ? harmonics : nil
        unet.projectionClassEmbeddingsInputDim = cameraNumberCount
    }
    public init() {}

    /// The probe's U-Net with `inChannels` inputs (3 RGB + 6 Plücker by default) and 3 outputs.
    public static func probeUNet(inChannels: Int) -> UNet2DConditionConfiguration {
        let json = """
        {"sample_size": 32, "in_channels": \(inChannels), "out_channels": 3,
         "down_block_types": ["DownBlock2D", "DownBlock2D", "CrossAttnDownBlock2D"],
         "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D", "UpBlock2D"], "mid_block_type": "UNetMidBlock2DCrossAttn",
         "block_out_channels": [32, 64, 128], "layers_per_block": 1, "cross_attention_dim": 64, "attention_head_dim": 8,
         "norm_num_groups": 8, "class_embed_type": "projection", "projection_class_embeddings_input_dim": 6,
         "flip_sin_to_cos": true, "freq_shift": 0}
        """
        return try! JSONDecoder().decode(UNet2DConditionConfiguration.self, from: Data(json.utf8))
    }
}

import Foundation
