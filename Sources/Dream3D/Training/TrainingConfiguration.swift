// TrainingConfiguration.swift — everything one optimisation run needs, with defaults from the
// references (threestudio configs/dreamfusion-sd.yaml) unless said otherwise. Recipes (YAML) and
// `--set` overrides resolve into this type (ConfigurationResolver); no field is optional, so every key
// a recipe may name appears in the defaults. Cameras and lights default to the built-in prior's
// training distribution (DatasetSettings): a prior judges best the renders it was trained on.
import Dream3DScene
import Dream3DShapes

public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var steps = 1000
    public var seed: UInt64 = 0
    /// Guidance method: "sds" (DreamFusion), "sjc" (score Jacobian chaining) or "vsd" (ProlificDreamer's
    /// variational score distillation).
    public var method = "sds"
    /// The hash grid is sized for the renders it is judged by, not threestudio's 512² ones: 8 levels
    /// from 16 to 256 per box side (a 32²–64² render resolves about 1/100 of the box; finer levels get
    /// only aliased gradients) and 2^16 entries per level. Measured with `dream3d-bench sds`: 16 levels
    /// of 2^19 spent ~60% of an SDS step in encoding, Adam over 16.8 M entries and zeroing their
    /// gradient; this grid cut the step ~3× (figures in scenes/sds.yaml). Normals are analytic: renders
    /// 19% faster than with finite differences at the same quality-gate figures (scenes/sds.yaml).
    public var field: NeRFFieldConfiguration = {
        var field = NeRFFieldConfiguration()
        field.encoding.levels = 8
        field.encoding.perLevelScale = 1.486       // 16 · 1.486^7 ≈ 256
        field.encoding.log2TableSize = 16
        field.normals = .analytic
        return field
    }()
    public var marcher = RayMarcher()
    public var cameras = DatasetSettings().cameras
    /// Ambient share of each step's random point light, drawn per step.
    public var ambientRange = DatasetSettings().ambientRange
    /// CFG 20 for the built-in prior: the probe found 10–30 best, above 30 only halo and oversaturation
    /// (DESIGN.md §9). DreamFusion's 100 is for Stable Diffusion (`defaults(guidance: "sd")`).
    public var sds: ScoreDistillation = {
        var sds = ScoreDistillation()
        sds.guidanceScale = 20
        return sds
    }()
    /// The reference's SJC settings but an emptiness weight of 1e3: its 1e4 emptied a 200-step run with the
    /// built-in prior, where 1e3 crisps the object's edge (scenes/sjc.yaml).
    public var sjc: ScoreJacobianChaining = {
        var sjc = ScoreJacobianChaining()
        sjc.emptinessWeight = 1000
        return sjc
    }()
    public var vsd = VariationalScoreDistillation()
    /// Render and encoder sizes of Stable Diffusion guidance (read only with `--guidance sd`).
    public var stableDiffusion = StableDiffusionSettings()
    /// Adam learning rates: hash tables 1e-2, MLPs 1e-3 (DESIGN.md §4 reference defaults).
    public var encodingLearningRate: Float = 0.01
    public var networkLearningRate: Float = 0.001
    /// Steps between occupancy-grid refreshes (nerfacc's update_every_n_steps default).
    public var occupancyInterval = 16
    /// Unlit albedo for the first steps, then shaded with this probability, a share of those textureless
    /// (DreamFusion: 2000 albedo steps of 10 000, then 75% shaded, half textureless). The built-in prior
    /// saw 90% lit and 10% albedo renders and never a textureless one (a white object would read as
    /// "white"), so the defaults are 10% of a run albedo, then 90% lit, none textureless.
    public var albedoOnlySteps = 100
    public var shadedProbability: Float = 0.9
    public var texturelessShare: Float = 0
    /// View-dependent prompting (DreamFusion §3.2): ", front view", ", side view", … appended per camera
    /// (Trainer.guidancePrompt). The built-in prior saw view phrases in half of its captions, and CFG,
    /// which drops the text, amplifies the phrase along with the object.
    public var viewDependentPrompts = true
    /// Background: "white", "random" (a new solid colour each step) or "learned".
    public var background = "random"
    /// Renders are drawn at this multiple of the prior's image size and average-pooled down to it, as the
    /// built-in prior's training images are (traced at 64², pooled to 32²); in the probe (DESIGN.md §9)
    /// that removed most of the halo. Each step then traces supersampling² as many rays.
    public var supersampling = 1
    /// t_max anneals linearly from tRange's upper bound to this value over the run (equal: no annealing).
    /// The built-in prior's camera margin lives at t ≥ 800 (its model card), so the default keeps t_max at
    /// 0.98 throughout (scenes/sds.yaml has the quality-gate figures); toward 0.5 sharpened silhouettes in
    /// the probe (DESIGN.md §9), whose prior ignored its camera.
    public var annealedTMax: Float = 0.98
    public var sparsityWeight: Float = 0
    public var orientationWeight: Float = 0
    public var opacityEntropyWeight: Float = 0
    /// Steps between lines of metrics.jsonl and between checkpoints of a run folder.
    public var logEvery = 10
    public var checkpointEvery = 100
    /// Mesh export: marching-cubes grid side and density threshold (DESIGN.md §2). threestudio's 10–25
    /// cut thin and half-transparent parts of the built-in prior's scenes into pieces; 1 keeps them and
    /// scores best on the quality gate (scenes/sds.yaml).
    public var meshResolution = 128
    public var meshThreshold: Float = 1
    /// Gaps narrower than about twice this (scene units) are closed before marching cubes
    /// (Dream3DMesh/DensityClosing.swift): slits under about one of the prior's pixels (0.045 units at the
    /// mean camera), which no render shows, cut 7 of the quality gate's 26 meshes in pieces; 0.03 joins all
    /// 26 and keeps the family and IoU figures (scenes/sds.yaml).
    public var meshClosingRadius: Float = 0.03
    /// The closing radii `validate` accepts (scene units; the box is 2 across).
    public static let meshClosingRadii: ClosedRange<Float> = 0...0.5
    public init() {}

    /// The guidance methods `method` may name.
    public static let methods = ["sds", "sjc", "vsd"]

    /// Rejects values no run can use, naming the key and the fix.
    public func validate() throws(ConfigurationError) {
        guard Self.methods.contains(method) else {
            throw .invalidValue(path: "method", reason: "unknown method \"\(method)\"; known: \(Self.methods.joined(separator: ", "))")
        }
        guard steps > 0 else { throw .invalidValue(path: "steps", reason: "must be at least 1, got \(steps)") }
        guard logEvery > 0, checkpointEvery > 0 else {
            throw .invalidValue(path: "logEvery/checkpointEvery", reason: "must be at least 1")
        }
        guard (1...4).contains(supersampling) else {
            throw .invalidValue(path: "supersampling", reason: "must be 1, 2, 3 or 4 (renders per side per prior pixel), got \(supersampling)")
        }
        guard (16...512).contains(meshResolution) else {
            throw .invalidValue(path: "meshResolution", reason: "must be in 16...512, got \(meshResolution)")
        }
        guard Self.meshClosingRadii.contains(meshClosingRadius) else {
            throw .invalidValue(path: "meshClosingRadius", reason: "must be in \(Self.meshClosingRadii) scene units (0: no closing), got \(meshClosingRadius)")
        }
        try validateGuidance()
    }

    /// The guidance methods' own keys: schedule fractions in [0, 1], weights and rates that make sense.
    private func validateGuidance() throws(ConfigurationError) {
        for (path, range) in [("sds.tRange", sds.tRange), ("sjc.tRange", sjc.tRange), ("vsd.tRange", vsd.tRange)] where range.lowerBound < 0 || range.upperBound > 1 {
            throw .invalidValue(path: path, reason: "must lie in [0, 1] (fractions of the noise schedule), got \(range)")
        }
        guard sjc.samples >= 1 else { throw .invalidValue(path: "sjc.samples", reason: "must be at least 1, got \(sjc.samples)") }
        for (path, value) in [("sjc.emptinessWeight", sjc.emptinessWeight), ("sjc.emptinessScale", sjc.emptinessScale),
                              ("sjc.emptinessMultiplier", sjc.emptinessMultiplier), ("sjc.centreDepthWeight", sjc.centreDepthWeight)]
        where !(value >= 0 && value.isFinite) {
            throw .invalidValue(path: path, reason: "must be a finite number ≥ 0, got \(value)")
        }
        guard (0...1).contains(sjc.emptinessRampStart) else {
            throw .invalidValue(path: "sjc.emptinessRampStart", reason: "must be a fraction of the run in [0, 1], got \(sjc.emptinessRampStart)")
        }
        guard (8...1024).contains(stableDiffusion.renderSize) else {
            throw .invalidValue(path: "stableDiffusion.renderSize", reason: "must be in 8...1024 pixels, got \(stableDiffusion.renderSize)")
        }
        guard (8...1024).contains(stableDiffusion.resolution) else {
            throw .invalidValue(path: "stableDiffusion.resolution", reason: "must be in 8...1024 pixels, got \(stableDiffusion.resolution)")
        }
        guard vsd.loraRank >= 1 else { throw .invalidValue(path: "vsd.loraRank", reason: "must be at least 1, got \(vsd.loraRank)") }
        guard vsd.learningRate > 0, vsd.learningRate.isFinite else {
            throw .invalidValue(path: "vsd.learningRate", reason: "must be a finite number > 0, got \(vsd.learningRate)")
        }
        guard (0...1).contains(vsd.cameraDropout) else {
            throw .invalidValue(path: "vsd.cameraDropout", reason: "must be a probability in [0, 1], got \(vsd.cameraDropout)")
        }
    }
}
