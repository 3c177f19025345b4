// GroupNorm.swift — torch.nn.functional.group_norm (Wu & He 2018), the U-Net's normaliser.
//
// Channels are split into `groups`; each (image, group) is normalised by its own mean and variance
// (biased, as PyTorch), then scaled and shifted per channel. Backward, with x̂ = (x − μ)·r and
// r = 1/√(σ² + eps), over the m values of a group:  dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ.
import Foundation

extension Tensor {
    /// x [N, C, …] normalised over groups of C/groups channels; weight and bias [C] (affine).
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        precondition(x.rank >= 2 && x.shape[1] % groups == 0, "group_norm: \(groups) groups do not divide the channels of \(x.shape)")
        let n = x.shape[0], c = x.shape[1], spatial = x.count / max(1, n * c), perGroup = c / groups
        let m = perGroup * spatial
        if let weight { precondition(weight.shape == [c], "group_norm: weight \(weight.shape) for \(c) channels") }
        if let bias { precondition(bias.shape == [c], "group_norm: bias \(bias.shape) for \(c) channels") }
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: c), beta = bias?.scalars ?? zeroedStorage(c)
        // Each (image, group) job below writes its whole segment of all three: no zero fill needed.
        var normalized = uninitializedStorage(x.count)       // x̂, kept for backward
        var rstd = uninitializedStorage(n * groups)
        var out = uninitializedStorage(x.count)
        x.scalars.withUnsafeBufferPointer { xs in
            normalized.withUnsafeMutableBufferPointer { xh in
                out.withUnsafeMutableBufferPointer { y in
                    rstd.withUnsafeMutableBufferPointer { r in
                        let xs = xs.baseAddress!, xh = xh.baseAddress!, y = y.baseAddress!, r = r.baseAddress!
                        parallelFor(n * groups) { job in
                            let start = job * m
                            let (mean, inv) = meanAndInverseStd(xs + start, count: m, eps: eps)
                            r[job] = inv
                            let firstChannel = (job % groups) * perGroup
                            for k in 0..<perGroup {
                                let ch = firstChannel + k, base = start + k * spatial
                                for i in base..<(base + spatial) {
                                    xh[i] = (xs[i] - mean) * inv
                                    y[i] = xh[i] * gamma[ch] + beta[ch]
                                }
                            }
                        }
                    }
                }
            }
        }
        let inputs = [x] + [weight, bias].compactMap { $0 }
        return record(Tensor(shape: x.shape, scalars: out), inputs: inputs) { y in
            let dy = y.gradScalars
            if let weight, weight.requiresGrad {     // dγ[c] = Σ dy·x̂, dβ[c] = Σ dy over images and pixels
                weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                    for img in 0..<n { for ch in 0..<c {
                        var s: Float = 0
                        let base = (img * c + ch) * spatial
                        for i in base..<(base + spatial) { s += dy[i] * normalized[i] }
                        dw[ch] += s
                    } }
                }
            }
            if let bias, bias.requiresGrad {
                bias.gradScalars.withUnsafeMutableBufferPointer { db in
                    for img in 0..<n { for ch in 0..<c {
                        var s: Float = 0
                        let base = (img * c + ch) * spatial
                        for i in base..<(base + spatial) { s += dy[i] }
                        db[ch] += s
                    } }
                }
            }
            guard x.requiresGrad else { return }
            dy.withUnsafeBufferPointer { dyBuffer in
                normalized.withUnsafeBufferPointer { xhBuffer in
                    x.gradScalars.withUnsafeMutableBufferPointer { dxBuffer in
                        let dy = dyBuffer.baseAddress!, xh = xhBuffer.baseAddress!, dx = dxBuffer.baseAddress!
                        parallelFor(n * groups) { job in
                            let start = job * m, firstChannel = (job % groups) * perGroup
                            var meanG: Float = 0, meanGX: Float = 0
                            for k in 0..<perGroup {
                                let g = gamma[firstChannel + k], base = start + k * spatial
                                for i in base..<(base + spatial) { meanG += dy[i] * g; meanGX += dy[i] * g * xh[i] }
                            }
                            meanG /= Float(m); meanGX /= Float(m)
                            let r = rstd[job]
                            for k in 0..<perGroup {
                                let g = gamma[firstChannel + k], base = start + k * spatial
                                for i in base..<(base + spatial) { dx[i] += r * (dy[i] * g - meanG - xh[i] * meanGX) }
                            }
                        }
                    }
                }
            }
        }
    }
}
