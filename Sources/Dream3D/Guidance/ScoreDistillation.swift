// ScoreDistillation.swift — Score Distillation Sampling (Poole et al. 2022, DreamFusion, eq. 3;
// DESIGN.md §4): for a render x, t ~ U[t_min, t_max], ε ~ N(0, I), z_t = α_t x + σ_t ε,
//     ∇_x L_SDS = w(t)·(ε̂(z_t; y, t) − ε),   w(t) = 1 − ᾱ_t = σ_t²,
// the U-Net Jacobian dropped. x is the render as the prior sees it (DiffusionPrior.encodeRenders: pixels
// in [−1, 1], or Stable Diffusion's latents); the trainer carries ∂L/∂x back to the render through that map.
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes

public struct ScoreDistillation: Codable, Sendable, Equatable {
    /// ε̂ = ε̂_u + cfg·(ε̂_c − ε̂_u); DreamFusion uses 100 with Stable Diffusion.
    public var guidanceScale: Float = 100
    /// Fraction of the schedule t is drawn from, as threestudio's min/max_step_percent.
    public var tRange: ClosedRange<Float> = 0.02...0.98
    /// Multi-view priors trained with clean first views (BuiltInPriorConfiguration.cleanFirstViewShare):
    /// the share of steps whose tile keeps its first view clean — the render itself, not noised — and
    /// takes the gradient of the other three only, so the prior draws them as the other sides of what
    /// the first view shows (Zero123-style guidance from the scene's own render). 0: every view noised.
    public var cleanFirstViewProbability: Float = 0
    public init() {}

    /// Statistics of one gradient evaluation.
    public struct Step: Sendable {
        public var timestep: Int
        /// |∇| mean absolute value, for logging.
        public var gradientScale: Float
    }

    /// ∂L/∂x for clean samples x = prior.encodeRenders(renders) (values only; the caller applies it with backward).
    public func imageGradient(_ x: Tensor, cameras: [Camera], prompt: String, prior: some DiffusionPrior,
                              tMax: Float? = nil, using generator: inout SeededGenerator) -> (gradient: [Float], step: Step) {
        let t = drawTimestep(tRange, cappedAt: tMax, steps: prior.schedule.count, using: &generator)
        let noise = Tensor(shape: x.shape, scalars: generator.normals(x.count))
        var z = prior.schedule.addNoise(x.detached(), noise: noise, t: t)
        let cleanFirstView = cleanFirstViewProbability > 0 && prior.viewsPerSample == 4 && generator.uniform() < cleanFirstViewProbability
        let firstView = cleanFirstView ? firstViewIndices(tileShape: x.shape) : []
        if cleanFirstView {
            var scalars = z.scalars
            for i in firstView { scalars[i] = x.scalars[i] }
            z = Tensor(shape: z.shape, scalars: scalars)
        }
        let predicted = prior.predictNoise(z, timestep: t, prompt: prompt, cameras: cameras, guidanceScale: guidanceScale)
        let weight = 1 - prior.schedule.alphasCumprod[t]
        var gradient = (0..<x.count).map { weight * (predicted.scalars[$0] - noise.scalars[$0]) }
        for i in firstView { gradient[i] = 0 }
        return finiteGradient(timestep: t, gradient)
    }
}

/// A timestep t = ⌊T·u⌋ of a T-step schedule, u ~ U[lower, min(upper, tMax)] (threestudio's
/// min/max_step_percent; `tMax` is the annealed cap).
func drawTimestep(_ range: ClosedRange<Float>, cappedAt tMax: Float?, steps: Int, using generator: inout SeededGenerator) -> Int {
    let high = min(range.upperBound, tMax ?? range.upperBound)
    return Int((Float(steps) * generator.uniform(in: range.lowerBound...max(range.lowerBound, high))).rounded(.down))
        .clamped(to: 0...(steps - 1))
}

/// An image gradient with NaN/Inf zeroed (DESIGN.md §4), and the step's statistics.
func finiteGradient(timestep t: Int, _ values: [Float]) -> (gradient: [Float], step: ScoreDistillation.Step) {
    var total: Float = 0
    let gradient = values.map { g -> Float in
        let finite = g.isFinite ? g : 0
        total += Swift.abs(finite)
        return finite
    }
    return (gradient, ScoreDistillation.Step(timestep: t, gradientScale: total / Float(max(1, gradient.count))))
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
