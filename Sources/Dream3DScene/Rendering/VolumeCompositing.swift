// VolumeCompositing.swift — alpha compositing of ray samples (Max 1995; NeRF, Mildenhall et al. 2020,
// eq. 3), with its exact backward (as nerfacc's render_weight_from_density):
//
//   αᵢ = 1 − exp(−σᵢδᵢ),  Tᵢ = Πⱼ<ᵢ (1 − αⱼ),  wᵢ = Tᵢαᵢ
//   colour = Σ wᵢcᵢ,  opacity = Σ wᵢ,  depth = Σ wᵢtᵢ
//
// With gᵢ = ∂L/∂wᵢ (from colour, opacity, depth and the weights themselves):
//   ∂wₖ/∂σᵢ = δᵢTᵢ₊₁ for k = i,  −δᵢwₖ for k > i,  0 for k < i
//   ⇒ ∂L/∂σᵢ = δᵢ (Tᵢ₊₁gᵢ − Σₖ>ᵢ wₖgₖ),   ∂L/∂cᵢ = wᵢ ∂L/∂colour
import Dream3DCore
import Foundation

/// Samples along rays, grouped by ray and ordered by distance within a ray.
public struct RaySamples: Sendable {
    /// Samples of ray r: `rayStarts[r] ..< rayStarts[r + 1]`.
    public var rayStarts: [Int]
    /// Distance along the ray of each sample's midpoint.
    public var t: [Float]
    /// Length of each sample's interval δ.
    public var delta: [Float]
    /// World positions, [S, 3] flat.
    public var points: [Float]

    public var rayCount: Int { rayStarts.count - 1 }
    public var count: Int { t.count }

    public init(rayStarts: [Int], t: [Float], delta: [Float], points: [Float]) {
        self.rayStarts = rayStarts
        self.t = t
        self.delta = delta
        self.points = points
    }

    /// The rays of `parts`, in order, as one set of samples.
    init(joining parts: [RaySamples]) {
        self.init(rayStarts: [0], t: [], delta: [], points: [])
        let total = parts.reduce(0) { $0 + $1.count }
        t.reserveCapacity(total)
        delta.reserveCapacity(total)
        points.reserveCapacity(3 * total)
        rayStarts.reserveCapacity(parts.reduce(1) { $0 + $1.rayCount })
        for part in parts {
            let offset = t.count
            rayStarts += part.rayStarts.dropFirst().map { $0 + offset }
            t += part.t
            delta += part.delta
            points += part.points
        }
    }
}

/// Per-ray composites and per-sample weights, all on the tape.
public struct Composite {
    /// [R, 3]
    public var color: Tensor
    /// [R]
    public var opacity: Tensor
    /// [R]
    public var depth: Tensor
    /// [S]
    public var weights: Tensor
}

/// Composites densities [S] and colours [S, 3] along `samples`' rays.
public func composite(density: Tensor, color: Tensor, samples: RaySamples) -> Composite {
    let S = samples.count, R = samples.rayCount
    precondition(density.shape == [S] && color.shape == [S, 3], "composite: density \(density.shape), colour \(color.shape) for \(S) samples")
    // Packed output: colour [R·3], opacity [R], depth [R], weights [S]; one graph node, sliced below.
    var packed = zeroedStorage(5 * R + S)
    var transmittanceAfter = zeroedStorage(S)          // Tᵢ₊₁, kept for backward
    density.scalars.withUnsafeBufferPointer { sigma in
        color.scalars.withUnsafeBufferPointer { c in
            packed.withUnsafeMutableBufferPointer { out in
                transmittanceAfter.withUnsafeMutableBufferPointer { after in
                    let sigma = sigma.baseAddress!, c = c.baseAddress!, out = out.baseAddress!, after = after.baseAddress!
                    parallelChunks(R, minChunk: 256) { rays in
                        for r in rays {
                            var transmittance: Float = 1
                            for i in samples.rayStarts[r]..<samples.rayStarts[r + 1] {
                                let opticalDepth = sigma[i] * samples.delta[i]
                                let w = -transmittance * Foundation.expm1(-opticalDepth)   // Tᵢαᵢ, exact for small σδ
                                let next = transmittance * Foundation.exp(-opticalDepth)
                                out[3 * r] += w * c[3 * i]; out[3 * r + 1] += w * c[3 * i + 1]; out[3 * r + 2] += w * c[3 * i + 2]
                                out[3 * R + r] += w
                                out[4 * R + r] += w * samples.t[i]
                                out[5 * R + i] = w
                                after[i] = next
                                transmittance = next
                            }
                        }
                    }
                }
            }
        }
    }
    let node = Tensor.record(Tensor(shape: [5 * R + S], scalars: packed), inputs: [density, color]) { y in
        let g = y.gradScalars, w = y.scalars
        var dSigma = zeroedStorage(S), dColor = zeroedStorage(3 * S)
        color.scalars.withUnsafeBufferPointer { c in
            dSigma.withUnsafeMutableBufferPointer { ds in
                dColor.withUnsafeMutableBufferPointer { dc in
                    let c = c.baseAddress!, ds = ds.baseAddress!, dc = dc.baseAddress!
                    parallelChunks(R, minChunk: 256) { rays in
                        for r in rays {
                            let gColor = (g[3 * r], g[3 * r + 1], g[3 * r + 2]), gOpacity = g[3 * R + r], gDepth = g[4 * R + r]
                            var later: Float = 0                               // Σₖ>ᵢ wₖgₖ
                            for i in (samples.rayStarts[r]..<samples.rayStarts[r + 1]).reversed() {
                                let wi = w[5 * R + i]
                                let gi = gColor.0 * c[3 * i] + gColor.1 * c[3 * i + 1] + gColor.2 * c[3 * i + 2]
                                    + gOpacity + gDepth * samples.t[i] + g[5 * R + i]
                                ds[i] = samples.delta[i] * (transmittanceAfter[i] * gi - later)
                                later += wi * gi
                                dc[3 * i] = wi * gColor.0; dc[3 * i + 1] = wi * gColor.1; dc[3 * i + 2] = wi * gColor.2
                            }
                        }
                    }
                }
            }
        }
        if density.requiresGrad { density.gradScalars.withUnsafeMutableBufferPointer { d in for i in 0..<S { d[i] += dSigma[i] } } }
        if color.requiresGrad { color.gradScalars.withUnsafeMutableBufferPointer { d in for i in 0..<(3 * S) { d[i] += dColor[i] } } }
    }
    return Composite(color: node.sliced(axis: 0, 0..<(3 * R)).reshaped([R, 3]),
                     opacity: node.sliced(axis: 0, (3 * R)..<(4 * R)),
                     depth: node.sliced(axis: 0, (4 * R)..<(5 * R)),
                     weights: node.sliced(axis: 0, (5 * R)..<(5 * R + S)))
}
