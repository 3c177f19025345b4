// LayerNorm.swift — torch.nn.functional.layer_norm over the last axis (transformers, CLIP).
// Same algebra as GroupNorm with one group per row: dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ.

extension Tensor {
    /// x [..., D] normalised per row; weight and bias [D].
    public static func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
        let d = x.shape.last ?? 1, rows = x.count / max(1, d)
        if let weight { precondition(weight.shape == [d], "layer_norm: weight \(weight.shape) for rows of \(d)") }
        if let bias { precondition(bias.shape == [d], "layer_norm: bias \(bias.shape) for rows of \(d)") }
        let gamma = weight?.scalars ?? [Float](repeating: 1, count: d), beta = bias?.scalars ?? zeroedStorage(d)
        var normalized = uninitializedStorage(x.count)      // every row writes its own entries of all three
        var rstd = uninitializedStorage(rows)
        var out = uninitializedStorage(x.count)
        x.scalars.withUnsafeBufferPointer { xs in
            normalized.withUnsafeMutableBufferPointer { xh in
                out.withUnsafeMutableBufferPointer { y in
                    rstd.withUnsafeMutableBufferPointer { r in
                        let xs = xs.baseAddress!, xh = xh.baseAddress!, y = y.baseAddress!, r = r.baseAddress!
                        parallelChunks(rows, minChunk: 16) { range in
                            for row in range {
                                let start = row * d
                                let (mean, inv) = meanAndInverseStd(xs + start, count: d, eps: eps)
                                r[row] = inv
                                for j in 0..<d {
                                    xh[start + j] = (xs[start + j] - mean) * inv
                                    y[start + j] = xh[start + j] * gamma[j] + beta[j]
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
            if let weight, weight.requiresGrad {
                weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                    for row in 0..<rows { for j in 0..<d { dw[j] += dy[row * d + j] * normalized[row * d + j] } }
                }
            }
            if let bias, bias.requiresGrad {
                bias.gradScalars.withUnsafeMutableBufferPointer { db in
                    for row in 0..<rows { for j in 0..<d { db[j] += dy[row * d + j] } }
                }
            }
            guard x.requiresGrad else { return }
            dy.withUnsafeBufferPointer { dyBuffer in
                normalized.withUnsafeBufferPointer { xhBuffer in
                    x.gradScalars.withUnsafeMutableBufferPointer { dxBuffer in
                        let dy = dyBuffer.baseAddress!, xh = xhBuffer.baseAddress!, dx = dxBuffer.baseAddress!
                        parallelChunks(rows, minChunk: 16) { range in
                            for row in range {
                                let start = row * d
                                var meanG: Float = 0, meanGX: Float = 0
                                for j in 0..<d { let g = dy[start + j] * gamma[j]; meanG += g; meanGX += g * xh[start + j] }
                                meanG /= Float(d); meanGX /= Float(d)
                                for j in 0..<d { dx[start + j] += rstd[row] * (dy[start + j] * gamma[j] - meanG - xh[start + j] * meanGX) }
                            }
                        }
                    }
                }
            }
        }
    }
}
