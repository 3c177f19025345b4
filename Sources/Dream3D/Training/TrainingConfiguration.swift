// TrainingConfiguration.swift — everything one optimisation run needs, with defaults from the
// references (threestudio configs/dreamfusion-sd.yaml) unless said otherwise. Recipes (YAML) and
// `--set` overrides resolve into this type (ConfigurationResolver); no field is optional, so every key
// a recipe may name appears in the defaults.
import Dream3DScene

public struct TrainingConfiguration: Codable, Sendable, Equatable {
    public var steps = 1000
    public var seed: UInt64 = 0
    public var field = NeRFFieldConfiguration()
    public var marcher = RayMarcher()
    public var cameras = CameraSampler()
    public var sds = ScoreDistillation()
    /// Adam learning rates: hash tables 1e-2, MLPs 1e-3 (DESIGN.md §4 reference defaults).
    public var encodingLearningRate: Float = 0.01
    public var networkLearningRate: Float = 0.001
    /// Steps between occupancy-grid refreshes (nerfacc's update_every_n_steps default).
    public var occupancyInterval = 16
    /// Unlit albedo for the first steps, then shaded with this probability (DreamFusion: 2000 ambient-only
    /// steps of 10 000, then 75% shaded, half of those textureless).
    public var albedoOnlySteps = 2000
    public var shadedProbability: Float = 0.75
    public var texturelessShare: Float = 0.5
    /// Background: "white", "random" (a new solid colour each step) or "learned".
    public var background = "random"
    /// t_max anneals linearly from tRange's upper bound to this value over the run (equal: no annealing).
    public var annealedTMax: Float = 0.98
    public var sparsityWeight: Float = 0
    public var orientationWeight: Float = 0
    public var opacityEntropyWeight: Float = 0
    public init() {}
}
