// SchedulerConfiguration.swift — scheduler/scheduler_config.json, keys verbatim (diffusers DDIMScheduler /
// DDPMScheduler __init__ arguments). Defaults are DDIMScheduler's.

public struct SchedulerConfiguration: Codable, Sendable, Equatable {
    public var numTrainTimesteps = 1000
    public var betaStart: Float = 0.0001
    public var betaEnd: Float = 0.02
    public var betaSchedule = "linear"
    public var predictionType = "epsilon"
    public var setAlphaToOne = true
    public var stepsOffset = 0
    public var timestepSpacing = "leading"
    public var clipSample = true
    public var clipSampleRange: Float = 1
    public var thresholding = false
    public var rescaleBetasZeroSnr = false
    public var trainedBetas: [Float]? = nil

    enum CodingKeys: String, CodingKey {
        case numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", predictionType = "prediction_type", setAlphaToOne = "set_alpha_to_one"
        case stepsOffset = "steps_offset", timestepSpacing = "timestep_spacing", clipSample = "clip_sample"
        case clipSampleRange = "clip_sample_range", thresholding, rescaleBetasZeroSnr = "rescale_betas_zero_snr"
        case trainedBetas = "trained_betas"
    }
    public init() {}
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SchedulerConfiguration()
        numTrainTimesteps = try c.decodeIfPresent(Int.self, forKey: .numTrainTimesteps) ?? d.numTrainTimesteps
        betaStart = try c.decodeIfPresent(Float.self, forKey: .betaStart) ?? d.betaStart
        betaEnd = try c.decodeIfPresent(Float.self, forKey: .betaEnd) ?? d.betaEnd
        betaSchedule = try c.decodeIfPresent(String.self, forKey: .betaSchedule) ?? d.betaSchedule
        predictionType = try c.decodeIfPresent(String.self, forKey: .predictionType) ?? d.predictionType
        setAlphaToOne = try c.decodeIfPresent(Bool.self, forKey: .setAlphaToOne) ?? d.setAlphaToOne
        stepsOffset = try c.decodeIfPresent(Int.self, forKey: .stepsOffset) ?? d.stepsOffset
        timestepSpacing = try c.decodeIfPresent(String.self, forKey: .timestepSpacing) ?? d.timestepSpacing
        clipSample = try c.decodeIfPresent(Bool.self, forKey: .clipSample) ?? d.clipSample
        clipSampleRange = try c.decodeIfPresent(Float.self, forKey: .clipSampleRange) ?? d.clipSampleRange
        thresholding = try c.decodeIfPresent(Bool.self, forKey: .thresholding) ?? d.thresholding
        rescaleBetasZeroSnr = try c.decodeIfPresent(Bool.self, forKey: .rescaleBetasZeroSnr) ?? d.rescaleBetasZeroSnr
        trainedBetas = try c.decodeIfPresent([Float].self, forKey: .trainedBetas)
    }

    /// Throws `.unsupported` naming the first key whose value this port does not implement.
    public func validate(path: String) throws(ModelError) {
        func check(_ ok: Bool, _ key: String, _ value: String, _ supported: String) throws(ModelError) {
            if !ok { throw .unsupported(path: path, key: key, value: value, supported: supported) }
        }
        try check(["linear", "scaled_linear", "squaredcos_cap_v2"].contains(betaSchedule), "beta_schedule", betaSchedule, "linear, scaled_linear, squaredcos_cap_v2")
        try check(["epsilon", "v_prediction", "sample"].contains(predictionType), "prediction_type", predictionType, "epsilon, v_prediction, sample")
        try check(["leading", "linspace", "trailing"].contains(timestepSpacing), "timestep_spacing", timestepSpacing, "leading, linspace, trailing")
        try check(!thresholding, "thresholding", "true", "false")
        try check(!rescaleBetasZeroSnr, "rescale_betas_zero_snr", "true", "false")
        try check(trainedBetas == nil, "trained_betas", "a list", "null")
        try check(numTrainTimesteps > 1, "num_train_timesteps", "\(numTrainTimesteps)", "an int > 1")
    }
}
