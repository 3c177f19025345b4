// DDIMScheduler.swift — deterministic DDIM sampling (Song et al. 2021, eta 0), port of diffusers
// DDIMScheduler.set_timesteps and .step (src/diffusers/schedulers/scheduling_ddim.py) with classifier-free
// guidance ε̂ = ε̂_u + s(ε̂_c − ε̂_u) (DESIGN.md §4). Differs: no eta > 0, no thresholding.
import Foundation
import Dream3DCore

public struct DDIMScheduler: Sendable {
    public let configuration: SchedulerConfiguration
    public let schedule: NoiseSchedule

    public init(_ c: SchedulerConfiguration, configPath: String = "scheduler/scheduler_config.json") throws(ModelError) {
        try c.validate(path: configPath)
        configuration = c
        schedule = NoiseSchedule(c)
    }

    /// Reads `folder/scheduler_config.json`.
    public init(folder: URL) throws(ModelError) {
        let url = folder.appendingPathComponent("scheduler_config.json")
        try self.init(decodeConfiguration(SchedulerConfiguration.self, at: url, what: "the scheduler's configuration"), configPath: url.path)
    }

    /// The timesteps of an `steps`-step run, first (noisiest) first, spaced per timestep_spacing:
    /// "leading" (arange(steps)·(N // steps)) reversed + steps_offset — the SD 1.x/2.x configs; "linspace"
    /// round(linspace(0, N − 1, steps)) reversed; "trailing" round(arange(N, 0, −N/steps)) − 1.
    public func timesteps(steps: Int) -> [Int] {
        let n = configuration.numTrainTimesteps
        precondition(steps >= 1 && steps <= n, "ddim: \(steps) steps for a \(n)-step schedule")
        switch configuration.timestepSpacing {
        case "linspace":
            return (0..<steps).reversed().map { i in Int((Double(n - 1) * Double(i) / Double(max(1, steps - 1))).rounded(.toNearestOrEven)) }
        case "trailing":
            let ratio = Double(n) / Double(steps)
            return (0..<steps).map { i in Int((Double(n) - Double(i) * ratio).rounded(.toNearestOrEven)) - 1 }
        default:
            let ratio = n / steps
            return (0..<steps).reversed().map { $0 * ratio + configuration.stepsOffset }
        }
    }

    /// One step from z_t to z_{t−N/steps}: x̂₀ and ε̂ from the model output, then
    /// z_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev) ε̂, with ᾱ_prev = ᾱ₀ (or 1 with set_alpha_to_one) past the end.
    public func step(_ output: Tensor, timestep t: Int, sample z: Tensor, steps: Int) -> Tensor {
        let previous = t - configuration.numTrainTimesteps / steps
        let alphaPrev = previous >= 0 ? schedule.alphasCumprod[previous] : (configuration.setAlphaToOne ? 1 : schedule.alphasCumprod[0])
        var (x0, epsilon) = schedule.predictions(output, sample: z, t: t, predictionType: configuration.predictionType)
        if configuration.clipSample {
            let r = configuration.clipSampleRange
            x0 = x0.clamped(-r, r)
            epsilon = (z - x0 * schedule.alpha(t)) / schedule.sigma(t)
        }
        return x0 * alphaPrev.squareRoot() + epsilon * (1 - alphaPrev).squareRoot()
    }

    /// A full guided run from `noise` (init_noise_sigma is 1). `predict(z, t)` returns the unconditional and
    /// conditional outputs; they are combined as ε̂_u + guidanceScale·(ε̂_c − ε̂_u).
    public func sample(noise: Tensor, steps: Int, guidanceScale: Float,
                       predict: (Tensor, Int) -> (uncond: Tensor, cond: Tensor)) -> Tensor {
        var z = noise
        for t in timesteps(steps: steps) {
            let (u, c) = predict(z, t)
            z = step(u + (c - u) * guidanceScale, timestep: t, sample: z, steps: steps)
        }
        return z
    }
}

extension UNet2DConditionModel {
    /// Unconditional and conditional predictions in one batch of 2B: [z; z] with [uncond; cond] contexts.
    public func guidedPredictions(_ z: Tensor, timestep t: Int, cond: Tensor, uncond: Tensor,
                                  classLabels: Tensor? = nil) -> (uncond: Tensor, cond: Tensor) {
        let b = z.shape[0]
        let out = self(Tensor.concatenate([z, z], axis: 0), timesteps: [Float(t)],
                       encoderHiddenStates: Tensor.concatenate([uncond, cond], axis: 0),
                       classLabels: classLabels.map { Tensor.concatenate([$0, $0], axis: 0) })
        let halves = out.split(axis: 0, sizes: [b, b])
        return (halves[0], halves[1])
    }
}
