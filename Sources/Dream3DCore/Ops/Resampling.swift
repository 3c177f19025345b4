// Resampling.swift — nearest-neighbour upsampling (diffusers Upsample2D) and pixel shuffle /
// unshuffle (torch.nn.PixelShuffle; "simple diffusion" folds 64² RGB into 32²×12 with it).
// All three only move values, so each backward sums the gradient back along the same map.

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
}
