// NoiseSchedule.swift — the discrete variance-preserving schedule of DDPM (Ho et al. 2020): betas, ᾱ_t, and
// the conversions between ε-, v- and x₀-prediction (Salimans & Ho 2022 for v). Betas as diffusers makes
// them (scheduling_ddim.py / scheduling_ddpm.py): "linear" torch.linspace(β₀, β₁, N) in float32,
// "scaled_linear" linspace(√β₀, √β₁, N)², "squaredcos_cap_v2" betas_for_alpha_bar with the cosine ᾱ
// (Nichol & Dhariwal 2021) capped at 0.999; ᾱ = cumprod(1 − β) in float32. DESIGN.md §4 notation:
// z_t = α_t x + σ_t ε with α_t = √ᾱ_t, σ_t = √(1 − ᾱ_t).
import Foundation
import Dream3DCore

public struct NoiseSchedule: Sendable {
    public let betas: [Float]
    public let alphasCumprod: [Float]
    public var count: Int { betas.count }

    public init(betas: [Float]) {
        self.betas = betas
        var product: Float = 1
        alphasCumprod = betas.map { product *= 1 - $0; return product }
    }

    public init(_ c: SchedulerConfiguration) {
        let n = c.numTrainTimesteps
        switch c.betaSchedule {
        case "scaled_linear":
            self.init(betas: linspace(c.betaStart.squareRoot(), c.betaEnd.squareRoot(), n).map { $0 * $0 })
        case "squaredcos_cap_v2":
            func alphaBar(_ t: Double) -> Double { let c = Foundation.cos((t + 0.008) / 1.008 * Double.pi / 2); return c * c }
            self.init(betas: (0..<n).map { i in Float(min(1 - alphaBar(Double(i + 1) / Double(n)) / alphaBar(Double(i) / Double(n)), 0.999)) })
        default:
            self.init(betas: linspace(c.betaStart, c.betaEnd, n))
        }
    }

    public func alpha(_ t: Int) -> Float { alphasCumprod[t].squareRoot() }
    public func sigma(_ t: Int) -> Float { (1 - alphasCumprod[t]).squareRoot() }

    /// z_t = α_t x₀ + σ_t ε (DDPMScheduler.add_noise).
    public func addNoise(_ x0: Tensor, noise: Tensor, t: Int) -> Tensor { x0 * alpha(t) + noise * sigma(t) }
    /// The v-prediction target v = α_t ε − σ_t x₀ (DDPMScheduler.get_velocity).
    public func velocity(_ x0: Tensor, noise: Tensor, t: Int) -> Tensor { noise * alpha(t) - x0 * sigma(t) }

    /// (x̂₀, ε̂) from a model output of `predictionType` at z_t (DDIMScheduler.step's three cases).
    public func predictions(_ output: Tensor, sample z: Tensor, t: Int, predictionType: String) -> (x0: Tensor, epsilon: Tensor) {
        let a = alpha(t), s = sigma(t)
        switch predictionType {
        case "v_prediction": return (z * a - output * s, output * a + z * s)
        case "sample": return (output, (z - output * a) / s)
        default: return ((z - output * s) / a, output)
        }
    }
}

/// torch.linspace(start, end, steps) in float32: the first half counts up from start, the second down from end.
func linspace(_ start: Float, _ end: Float, _ steps: Int) -> [Float] {
    guard steps > 1 else { return [start] }
    let step = (end - start) / Float(steps - 1), half = steps / 2
    return (0..<steps).map { i in i < half ? start + step * Float(i) : end - step * Float(steps - 1 - i) }
}
