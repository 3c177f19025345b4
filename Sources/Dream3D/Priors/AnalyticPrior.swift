// AnalyticPrior.swift — the exact denoiser of a finite set of reference images, per camera: the prior
// tests and image-guided runs use (DESIGN.md §8). For the empirical distribution {x_k} and
// z_t = α_t x + σ_t ε, the posterior mean is E[x | z_t] = Σ_k softmax_k(−|z_t − α_t x_k|² / 2σ_t²) x_k
// and ε̂ = (z_t − α_t E[x | z_t]) / σ_t (Tweedie's formula). With one reference per camera, SDS with
// this prior is a weighted L2 fit to the reference render, so it must reconstruct the object.
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Foundation

public struct AnalyticPrior: DiffusionPrior {
    public let schedule: NoiseSchedule
    public let imageSize: Int
    /// The reference images for a camera: [K, 3, S, S] in [−1, 1] ([K, 4, S, S], the opacity last, when
    /// the prior judges opacity).
    public let references: (Camera) -> Tensor
    public let judgesOpacity: Bool

    public init(schedule: NoiseSchedule, imageSize: Int, judgesOpacity: Bool = false, references: @escaping (Camera) -> Tensor) {
        self.schedule = schedule
        self.imageSize = imageSize
        self.judgesOpacity = judgesOpacity
        self.references = references
    }

    public func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor {
        let a = schedule.alpha(t), s = schedule.sigma(t), n = z.shape[0], size = z.count / n
        var out = [Float](repeating: 0, count: z.count)
        for image in 0..<n {
            let refs = references(cameras[image]), k = refs.shape[0]
            precondition(refs.count == k * size, "references \(refs.shape) for samples \(z.shape): the camera must have the prior's size")
            let zi = Array(z.scalars[(image * size)..<((image + 1) * size)])
            // Log-weights −|z − αx_k|²/2σ², softmax-normalised in Double.
            let logits = (0..<k).map { j -> Double in
                var d: Double = 0
                for i in 0..<size { let e = Double(zi[i] - a * refs.scalars[j * size + i]); d += e * e }
                return -d / (2 * Double(s * s))
            }
            let top = logits.max()!, weights = logits.map { Foundation.exp($0 - top) }, total = weights.reduce(0, +)
            for i in 0..<size {
                var mean: Double = 0
                for j in 0..<k { mean += weights[j] / total * Double(refs.scalars[j * size + i]) }
                out[image * size + i] = (zi[i] - a * Float(mean)) / s
            }
        }
        return Tensor(shape: z.shape, scalars: out)
    }
}
