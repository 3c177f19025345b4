// ScoreDistillation.swift — Score Distillation Sampling (Poole et al. 2022, DreamFusion, eq. 3;
// DESIGN.md §4): for a render x, t ~ U[t_min, t_max], ε ~ N(0, I), z_t = α_t x + σ_t ε,
//     ∇_x L_SDS = w(t)·(ε̂(z_t; y, t) − ε),   w(t) = 1 − ᾱ_t = σ_t²,
// the U-Net Jacobian dropped. Renders are in [0, 1] and the prior works in [−1, 1] (x′ = 2x − 1), so
// the gradient with respect to the render carries the chain factor 2.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public struct ScoreDistillation: Codable, Sendable, Equatable {
    /// ε̂ = ε̂_u + cfg·(ε̂_c − ε̂_u); DreamFusion uses 100 with Stable Diffusion.
    public var guidanceScale: Float = 100
    /// Fraction of the schedule t is drawn from, as threestudio's min/max_step_percent.
    public var tRange: ClosedRange<Float> = 0.02...0.98
    public init() {}

    /// Statistics of one gradient evaluation.
    public struct Step: Sendable {
        public var timestep: Int
        /// |∇| mean absolute value, for logging.
        public var gradientScale: Float
    }

    /// ∂L/∂x for renders x [N, 3, S, S] in [0, 1] (values only; the caller applies it with backward).
    public func imageGradient(_ renders: Tensor, cameras: [Camera], prompt: String, prior: some DiffusionPrior,
                              tMax: Float? = nil, using generator: inout SeededGenerator) -> (gradient: [Float], step: Step) {
        let steps = prior.schedule.count
        let high = min(tRange.upperBound, tMax ?? tRange.upperBound)
        let t = Int((Float(steps) * generator.uniform(in: tRange.lowerBound...max(tRange.lowerBound, high))).rounded(.down))
            .clamped(to: 0...(steps - 1))
        let noise = Tensor(shape: renders.shape, scalars: generator.normals(renders.count))
        let x = renders.scalars.map { 2 * $0 - 1 }
        let z = prior.schedule.addNoise(Tensor(shape: renders.shape, scalars: x), noise: noise, t: t)
        let predicted = prior.predictNoise(z, timestep: t, prompt: prompt, cameras: cameras, guidanceScale: guidanceScale)
        let weight = 1 - prior.schedule.alphasCumprod[t]
        var gradient = [Float](repeating: 0, count: renders.count), total: Float = 0
        for i in 0..<gradient.count {
            var g = 2 * weight * (predicted.scalars[i] - noise.scalars[i])
            if !g.isFinite { g = 0 }              // NaN/Inf zeroed (DESIGN.md §4); counted by the trainer later
            gradient[i] = g
            total += Swift.abs(g)
        }
        return (gradient, Step(timestep: t, gradientScale: total / Float(max(1, gradient.count))))
    }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
