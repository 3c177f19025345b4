// ScoreJacobianChaining.swift — SJC (Wang et al. 2022; DESIGN.md §4; seeds/004). The 3D score is the
// 2D score chained through the renderer Jacobian; the 2D score of the clean render y, which is out of
// distribution for the denoiser, is estimated by Perturb-and-Average Scoring:
//     PAAS(y, √2σ) = E_n[(D(y + σn, σ) − y) / σ²]  ≈ ∇ log p_{√2σ}(y)
// with the VE denoiser of a VP model, D(x, σ) = x − σ·ε̂(x / √(1 + σ²), t(σ)), σ = √((1 − ᾱ_t)/ᾱ_t).
// As the reference code, σ is drawn uniformly from the discrete schedule each step and the update uses
// the variance-reduced form (D − y)/σ = σ·PAAS; `samples` > 1 averages several noise draws.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public struct ScoreJacobianChaining: Codable, Sendable, Equatable {
    /// CFG scale on ε̂ (the sjc repository runs Stable Diffusion at 100).
    public var guidanceScale: Float = 100
    /// Fraction of the schedule σ is drawn from (t ≈ 10…969 of 1000 in the reference).
    public var tRange: ClosedRange<Float> = 0.01...0.97
    /// Noise draws averaged per step.
    public var samples = 1
    /// The reference's emptiness loss (emptinessLoss, normalised as the reference's so its weight carries
    /// over): weight λ = 1e4 and scale 10 (run_sjc.py emptiness_weight, emptiness_scale), λ multiplied by
    /// 20 from half the run on (emptiness_step 0.5, emptiness_multiplier 20). 0 turns it off.
    public var emptinessWeight: Float = 1e4
    public var emptinessScale: Float = 10
    public var emptinessRampStart: Float = 0.5
    public var emptinessMultiplier: Float = 20
    /// The reference's centre-depth loss weight (centreDepthLoss; depth_weight: 0 by default, 10–100 for
    /// some of its README's prompts).
    public var centreDepthWeight: Float = 0
    public init() {}

    /// PAAS·σ² estimated with `samples` draws: mean over n of D(y + σn, σ) − y, for any denoiser D.
    public static func perturbAndAverage(_ y: [Float], sigma: Float, samples: Int, denoiser: ([Float]) -> [Float],
                                         using generator: inout SeededGenerator) -> [Float] {
        var total = [Float](repeating: 0, count: y.count)
        for _ in 0..<samples {
            let n = generator.normals(y.count)
            let denoised = denoiser((0..<y.count).map { y[$0] + sigma * n[$0] })
            for i in 0..<y.count { total[i] += (denoised[i] - y[i]) / Float(samples) }
        }
        return total
    }

    /// ∂L/∂x for clean samples x = prior.encodeRenders(renders) (values only), L = −log p̃ (gradient ascent on
    /// the 3D score becomes descent on L): −(D − y)/σ. `tMax` (a fraction of the schedule) caps tRange's upper
    /// bound, for annealing.
    public func imageGradient(_ x: Tensor, cameras: [Camera], prompt: String, prior: some DiffusionPrior,
                              tMax: Float? = nil, using generator: inout SeededGenerator) -> (gradient: [Float], step: ScoreDistillation.Step) {
        let schedule = prior.schedule
        let t = drawTimestep(tRange, cappedAt: tMax, steps: schedule.count, using: &generator)
        let abar = schedule.alphasCumprod[t], sigma = ((1 - abar) / abar).squareRoot()
        let shape = x.shape
        let difference = Self.perturbAndAverage(x.scalars, sigma: sigma, samples: samples, denoiser: { x in
            // A VE sample x = x₀ + σn is the VP sample z_t = √ᾱ·x, and √ᾱ = 1/√(1 + σ²).
            let scale = 1 / (1 + sigma * sigma).squareRoot()
            let epsilon = prior.predictNoise(Tensor(shape: shape, scalars: x.map { $0 * scale }), timestep: t, prompt: prompt,
                                             cameras: cameras, guidanceScale: guidanceScale)
            return (0..<x.count).map { x[$0] - sigma * epsilon.scalars[$0] }
        }, using: &generator)
        return finiteGradient(timestep: t, difference.map { -$0 / sigma })
    }
}
