// Resampling.swift — nearest-neighbour upsampling (diffusers Upsample2D), pixel shuffle / unshuffle
// (torch.nn.PixelShuffle; "simple diffusion" folds 64² RGB into 32²×12 with it), and average pooling
// (F.avg_pool2d; renders are drawn at 2× and pooled to the prior's size, as its training images are).
// The first three only move values, so each backward sums the gradient back along the same map.

extension Tensor {
    /// Moves values by an index map: out[i] = self[source[i]]; backward adds out's gradient back.
    private func gathered(shape outShape: [Int], source: [Int]) -> Tensor {
        let out = source.map { scalars[$0] }
        let x = self
        return Tensor.record(Tensor(shape: outShape, scalars: out), inputs: [x]) { y in
            let dy = y.gradScalars
            x.gradScalars.withUnsafeMutableBufferPointer { dx in
                for i in 0..<source.count { dx[source[i]] += dy[i] }
            }
        }
    }

    /// Nearest upsampling of [N, C, H, W] by an integer factor → [N, C, H·f, W·f] (F.interpolate mode "nearest").
    public func upsampledNearest(factor: Int = 2) -> Tensor {
        precondition(rank == 4 && factor >= 1, "upsample: needs [N, C, H, W] and factor ≥ 1, got \(shape), \(factor)")
        let planes = shape[0] * shape[1], h = shape[2], w = shape[3], oh = h * factor, ow = w * factor
        var source = [Int](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes { for y in 0..<oh { for x in 0..<ow {
            source[(p * oh + y) * ow + x] = (p * h + y / factor) * w + x / factor
        } } }
        return gathered(shape: [shape[0], shape[1], oh, ow], source: source)
    }

    /// [N, C·r², H, W] → [N, C, H·r, W·r]: out[n, c, h·r + i, w·r + j] = in[n, c·r² + i·r + j, h, w].
    public func pixelShuffled(_ r: Int) -> Tensor {
        precondition(rank == 4 && shape[1] % (r * r) == 0, "pixel_shuffle: \(shape[1]) channels not divisible by \(r)²")
        let n = shape[0], c = shape[1] / (r * r), h = shape[2], w = shape[3]
        var source = [Int](repeating: 0, count: count)
        for b in 0..<n { for ch in 0..<c { for y in 0..<(h * r) { for x in 0..<(w * r) {
            let inChannel = ch * r * r + (y % r) * r + x % r
            source[((b * c + ch) * h * r + y) * w * r + x] = ((b * shape[1] + inChannel) * h + y / r) * w + x / r
        } } } }
        return gathered(shape: [n, c, h * r, w * r], source: source)
    }

    /// [N, C, H·r, W·r] → [N, C·r², H, W], the inverse of `pixelShuffled`.
    public func pixelUnshuffled(_ r: Int) -> Tensor {
        precondition(rank == 4 && shape[2] % r == 0 && shape[3] % r == 0, "pixel_unshuffle: \(shape) not divisible by \(r)")
        let n = shape[0], c = shape[1], h = shape[2] / r, w = shape[3] / r
        var source = [Int](repeating: 0, count: count)
        for b in 0..<n { for ch in 0..<(c * r * r) { for y in 0..<h { for x in 0..<w {
            let inChannel = ch / (r * r), i = (ch % (r * r)) / r, j = ch % r
            source[((b * c * r * r + ch) * h + y) * w + x] = ((b * c + inChannel) * shape[2] + y * r + i) * shape[3] + x * r + j
        } } } }
        return gathered(shape: [n, c * r * r, h, w], source: source)
    }

    /// Average pooling of [N, C, H, W] over f×f blocks → [N, C, H/f, W/f] (F.avg_pool2d with kernel and
    /// stride f); each input's gradient is its block's output gradient over f².
    public func averagePooled(factor f: Int) -> Tensor {
        precondition(rank == 4 && f >= 1 && shape[2] % f == 0 && shape[3] % f == 0,
                      "avg_pool: needs [N, C, H, W] with H and W divisible by \(f), got \(shape)")
        let planes = shape[0] * shape[1], w = shape[3], oh = shape[2] / f, ow = w / f, scale = 1 / Float(f * f)
        var out = [Float](repeating: 0, count: planes * oh * ow)
        for p in 0..<planes { for y in 0..<oh { for x in 0..<ow {
            var sum: Float = 0
            for i in 0..<f { for j in 0..<f { sum += scalars[(p * oh * f + y * f + i) * w + x * f + j] } }
            out[(p * oh + y) * ow + x] = sum * scale
        } } }
        let input = self
        return Tensor.record(Tensor(shape: [shape[0], shape[1], oh, ow], scalars: out), inputs: [input]) { y in
            let dy = y.gradScalars
            input.gradScalars.withUnsafeMutableBufferPointer { dx in
                for p in 0..<planes { for y in 0..<oh { for x in 0..<ow {
                    let g = dy[(p * oh + y) * ow + x] * scale
                    for i in 0..<f { for j in 0..<f { dx[(p * oh * f + y * f + i) * w + x * f + j] += g } }
                } } }
            }
        }
    }
}
