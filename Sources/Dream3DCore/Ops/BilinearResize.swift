// BilinearResize.swift — torch.nn.functional.interpolate(mode="bilinear", align_corners=False, antialias=False):
// output pixel d samples the input at s = max(0, (d + ½)·in/out − ½) (ATen's area_pixel_compute_source_index),
// between ⌊s⌋ and min(⌊s⌋ + 1, in − 1) with weights 1 − λ and λ, λ = s − ⌊s⌋. Stable Diffusion guidance
// resizes renders to the VAE's input size with it (threestudio's encode path: 64² → 512²).

/// The two source indices and weights of each output index along one axis.
private struct LinearTaps {
    var low: [Int], high: [Int], lowWeight: [Float], highWeight: [Float]

    init(input: Int, output: Int) {
        let scale = Float(input) / Float(output)
        low = []; high = []; lowWeight = []; highWeight = []
        for d in 0..<output {
            let s = max(0, (Float(d) + 0.5) * scale - 0.5)
            let i = min(Int(s), input - 1), lambda = s - Float(i)
            low.append(i)
            high.append(i < input - 1 ? i + 1 : i)
            lowWeight.append(1 - lambda)
            highWeight.append(lambda)
        }
    }
}

extension Tensor {
    /// [N, C, H, W] → [N, C, height, width] by bilinear interpolation (torch's align_corners=False).
    public func resizedBilinear(height oh: Int, width ow: Int) -> Tensor {
        precondition(rank == 4 && oh >= 1 && ow >= 1, "bilinear resize: needs [N, C, H, W] and a positive size, got \(shape) → \(oh)×\(ow)")
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3]
        let ys = LinearTaps(input: h, output: oh), xs = LinearTaps(input: w, output: ow)
        var out = [Float](repeating: 0, count: planes * oh * ow)
        scalars.withUnsafeBufferPointer { x in
            for p in 0..<planes {
                let plane = p * h * w
                for oy in 0..<oh {
                    let r0 = plane + ys.low[oy] * w, r1 = plane + ys.high[oy] * w, wy0 = ys.lowWeight[oy], wy1 = ys.highWeight[oy]
                    for ox in 0..<ow {
                        let x0 = xs.low[ox], x1 = xs.high[ox], wx0 = xs.lowWeight[ox], wx1 = xs.highWeight[ox]
                        out[(p * oh + oy) * ow + ox] = wy0 * (wx0 * x[r0 + x0] + wx1 * x[r0 + x1]) + wy1 * (wx0 * x[r1 + x0] + wx1 * x[r1 + x1])
                    }
                }
            }
        }
        let input = self
        return Tensor.record(Tensor(shape: [shape[0], shape[1], oh, ow], scalars: out), inputs: [input]) { y in
            let dy = y.gradScalars
            input.gradScalars.withUnsafeMutableBufferPointer { dx in
                for p in 0..<planes {
                    let plane = p * h * w
                    for oy in 0..<oh {
                        let r0 = plane + ys.low[oy] * w, r1 = plane + ys.high[oy] * w, wy0 = ys.lowWeight[oy], wy1 = ys.highWeight[oy]
                        for ox in 0..<ow {
                            let g = dy[(p * oh + oy) * ow + ox], x0 = xs.low[ox], x1 = xs.high[ox]
                            let wx0 = xs.lowWeight[ox], wx1 = xs.highWeight[ox]
                            dx[r0 + x0] += g * wy0 * wx0
                            dx[r0 + x1] += g * wy0 * wx1
                            dx[r1 + x0] += g * wy1 * wx0
                            dx[r1 + x1] += g * wy1 * wx1
                        }
                    }
                }
            }
        }
    }
}
