// Timesteps.swift — sinusoidal timestep features, port of diffusers get_timestep_embedding and the
// Timesteps layer (src/diffusers/models/embeddings.py). No weights.
import Foundation
import Dream3DCore

/// Sinusoidal features of the timestep: frequencies exp(−ln(10000)·i / (half − downscaleFreqShift)),
/// i < half = dim/2, then [sin, cos] (or [cos, sin] with flipSinToCos); an odd dim is zero-padded.
public struct Timesteps: Sendable {
    public let numChannels: Int, flipSinToCos: Bool, downscaleFreqShift: Float
    public init(numChannels: Int, flipSinToCos: Bool, downscaleFreqShift: Float) {
        self.numChannels = numChannels
        self.flipSinToCos = flipSinToCos
        self.downscaleFreqShift = downscaleFreqShift
    }

    /// timesteps [N] (may be fractional) → [N, numChannels]. Not differentiated (timesteps are data).
    public func callAsFunction(_ timesteps: [Float]) -> Tensor {
        let half = numChannels / 2
        var out = [Float](repeating: 0, count: timesteps.count * numChannels)
        // torch computes exponent and exp in float32, then t·freq in float32: do the same.
        let freqs = (0..<half).map { i -> Float in
            let exponent = -Float(Foundation.log(10000.0)) * Float(i) / (Float(half) - downscaleFreqShift)
            return Foundation.exp(exponent)
        }
        for (n, t) in timesteps.enumerated() {
            for i in 0..<half {
                let arg = t * freqs[i]
                let (first, second) = flipSinToCos ? (Foundation.cos(arg), Foundation.sin(arg)) : (Foundation.sin(arg), Foundation.cos(arg))
                out[n * numChannels + i] = first
                out[n * numChannels + half + i] = second
            }
        }
        return Tensor(shape: [timesteps.count, numChannels], scalars: out)
    }
}
