// Conv2d.swift — 2-D convolution (torch.nn.functional.conv2d, groups = 1) as im2col + GEMM.
//
// A chunk of images is unfolded into columns cols[C·kh·kw, images·Ho·Wo] so one large GEMM,
// weight[O, C·kh·kw] · cols, computes the whole chunk: OpenBLAS runs near its peak on it, where
// one small GEMM per image would not. 1×1 convolutions skip the unfolding (each image already is
// its own column matrix). Backward recomputes the columns instead of keeping them, trading a cheap
// unfold for not holding C·kh·kw·H·W floats per layer while a U-Net trains.

/// Shape and geometry of one convolution; all extents derived once.
struct ConvolutionGeometry {
    let batch, inChannels, height, width, outChannels, kernelHeight, kernelWidth: Int
    let strideY, strideX, padY, padX: Int
    /// Most floats the column buffer may hold; see `imagesPerChunk`.
    var columnBudget = 1 << 20
    /// Most floats one band's column buffer may hold; see `rowsPerBand`.
    var bandBudget = 1 << 17
    var outHeight: Int { (height + 2 * padY - kernelHeight) / strideY + 1 }
    var outWidth: Int { (width + 2 * padX - kernelWidth) / strideX + 1 }
    var pixels: Int { outHeight * outWidth }                     // P: output pixels per image
    var columns: Int { inChannels * kernelHeight * kernelWidth } // K: rows of the unfolded matrix
    var isPointwise: Bool { kernelHeight == 1 && kernelWidth == 1 && strideY == 1 && strideX == 1 && padY == 0 && padX == 0 }
    /// Images per GEMM: as many as keep the column buffer within ~4 MB, so it is still in cache when
    /// the GEMM reads it (measured: 0.66 of the sgemm peak at 2.4 MB against 0.58 at 19 MB, for
    /// 3×3 64→64 at 32²). Small late-U-Net images still batch into one wide GEMM.
    var imagesPerChunk: Int { max(1, min(batch, columnBudget / max(1, columns * pixels))) }
    /// Output rows per band when images go one at a time: a band's columns (≤ 512 KB) stay in L2 from
    /// the unfold to the GEMM, where a whole 64² image's (4.7 MB for 32 channels) went out to memory
    /// and back, twice (the unfold writes them, OpenBLAS reads them to pack them).
    var rowsPerBand: Int { max(1, min(outHeight, bandBudget / max(1, columns * outWidth))) }

    /// cols[k, j·P + p] = x[first + j, c, oh·s − pad + i, ow·s − pad + jj] (0 outside), k = (c·kh + i)·kw + jj,
    /// over the output rows `rows` only (P is then rows.count·Wo and p counts from the band's first pixel).
    func unfold(_ x: UnsafePointer<Float>, images: Range<Int>, rows: Range<Int>? = nil, into cols: UnsafeMutablePointer<Float>,
                parallel: Bool = true) {
        let rows = rows ?? 0..<outHeight
        let rowLength = images.count * rows.count * outWidth, plane = height * width
        let row = { (k: Int) in
            let c = k / (kernelHeight * kernelWidth), i = (k / kernelWidth) % kernelHeight, jj = k % kernelWidth
            let valid = validOutputColumns(tap: jj)
            var dst = cols + k * rowLength
            for n in images {
                let src = x + (n * inChannels + c) * plane
                for oh in rows {
                    let h = oh * strideY - padY + i
                    if h < 0 || h >= height || valid.isEmpty {
                        dst.update(repeating: 0, count: outWidth)
                    } else {
                        let row = src + h * width - padX + jj
                        dst.update(repeating: 0, count: valid.lowerBound)
                        if strideX == 1 {
                            (dst + valid.lowerBound).update(from: row + valid.lowerBound, count: valid.count)
                        } else {
                            for ow in valid { dst[ow] = row[ow * strideX] }
                        }
                        (dst + valid.upperBound).update(repeating: 0, count: outWidth - valid.upperBound)
                    }
                    dst += outWidth
                }
            }
        }
        if parallel { parallelFor(columns, row) } else { for k in 0..<columns { row(k) } }
    }

    /// The output columns ow whose input column ow·stride − pad + tap lies inside the image.
    func validOutputColumns(tap jj: Int) -> Range<Int> {
        let first = max(0, (padX - jj + strideX - 1) / strideX)              // ⌈(pad − tap) / stride⌉
        let last = min(outWidth, (width - 1 + padX - jj) / strideX + 1)
        return first..<max(first, last)
    }

    /// dx[n, c, …] += the column gradients folded back (the adjoint of `unfold`). Each (image,
    /// channel) plane is written by one iteration only, so the sum order is fixed.
    func fold(_ dcols: UnsafePointer<Float>, images: Range<Int>, into dx: UnsafeMutablePointer<Float>, parallel: Bool = true) {
        let rowLength = images.count * pixels, plane = height * width, kernel = kernelHeight * kernelWidth
        let foldPlane = { (job: Int) in
            let j = job / inChannels, c = job % inChannels
            let dst = dx + ((images.lowerBound + j) * inChannels + c) * plane
            for ki in 0..<kernel {
                let i = ki / kernelWidth, jj = ki % kernelWidth, valid = validOutputColumns(tap: jj)
                var src = dcols + (c * kernel + ki) * rowLength + j * pixels
                for oh in 0..<outHeight {
                    let h = oh * strideY - padY + i
                    if h >= 0 && h < height {
                        let row = dst + h * width - padX + jj
                        for ow in valid { row[ow * strideX] += src[ow] }
                    }
                    src += outWidth
                }
            }
        }
        if parallel { parallelFor(images.count * inChannels, foldPlane) } else { for job in 0..<(images.count * inChannels) { foldPlane(job) } }
    }
}

extension Tensor {
    /// 2-D convolution: x [N, C, H, W], weight [O, C, kh, kw], bias [O] → [N, O, Ho, Wo] with
    /// Ho = (H + 2·padding − kh) / stride + 1 (cross-correlation, as PyTorch).
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int = 1, padding: Int = 0) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, columnBudget: 1 << 20, bandBudget: 1 << 17)
    }

    /// `conv2d` with the column buffer limited to `columnBudget` floats and a band's to `bandBudget`
    /// (tests force every chunking path with them).
    static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, stride: Int, padding: Int, columnBudget: Int,
                       bandBudget: Int = 1 << 17) -> Tensor {
        precondition(x.rank == 4 && weight.rank == 4 && weight.shape[1] == x.shape[1],
                     "conv2d: input \(x.shape) does not fit weight \(weight.shape)")
        let g = ConvolutionGeometry(batch: x.shape[0], inChannels: x.shape[1], height: x.shape[2], width: x.shape[3],
                                    outChannels: weight.shape[0], kernelHeight: weight.shape[2], kernelWidth: weight.shape[3],
                                    strideY: stride, strideX: stride, padY: padding, padX: padding, columnBudget: columnBudget,
                                    bandBudget: bandBudget)
        precondition(g.outHeight > 0 && g.outWidth > 0, "conv2d: kernel \(weight.shape) larger than padded input \(x.shape)")
        if let bias { precondition(bias.shape == [g.outChannels], "conv2d: bias \(bias.shape) for \(g.outChannels) channels") }
        let out = storage(g.batch * g.outChannels * g.pixels) { y in      // convolutionForward writes every element
            x.scalars.withUnsafeBufferPointer { xs in
                weight.scalars.withUnsafeBufferPointer { w in
                    convolutionForward(g, xs.baseAddress!, w.baseAddress!, bias?.scalars, y.baseAddress!)
                }
            }
        }
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return record(Tensor(shape: [g.batch, g.outChannels, g.outHeight, g.outWidth], scalars: out), inputs: inputs) { y in
            convolutionBackward(g, x, weight, bias, y.gradScalars)
        }
    }
}

private func convolutionForward(_ g: ConvolutionGeometry, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
                                _ bias: [Float]?, _ y: UnsafeMutablePointer<Float>) {
    let P = g.pixels, O = g.outChannels, K = g.columns
    if let bias {
        parallelFor(g.batch * O) { j in (y + j * P).update(repeating: bias[j % O], count: P) }
    }
    let beta: Float = bias == nil ? 0 : 1
    if g.isPointwise {       // y[n] = W[O, C] · x[n][C, H·W]
        for n in 0..<g.batch { gemm(m: O, n: P, k: K, w, x + n * K * P, beta: beta, y + n * O * P) }
        return
    }
    let chunk = g.imagesPerChunk
    if chunk == 1 {
        // Large images: each core unfolds a band of output rows of one image into its own buffer and
        // runs the band's GEMM unsplit (OpenBLAS is single-threaded, Ops/GEMM.swift) straight into
        // y[n][:, band], a block of y[n]'s [O, P] layout. Every output is one GEMM's dot product over
        // all of K, and the bands depend only on the sizes: the bits do not depend on the cores.
        let bandRows = g.rowsPerBand, bands = (g.outHeight + bandRows - 1) / bandRows
        parallelFor(g.batch * bands) { item in
            let n = item / bands, first = (item % bands) * bandRows, rows = first..<min(g.outHeight, first + bandRows)
            let cols = UnsafeMutablePointer<Float>.allocate(capacity: K * rows.count * g.outWidth)
            defer { cols.deallocate() }
            g.unfold(x, images: n..<(n + 1), rows: rows, into: cols, parallel: false)
            gemm(m: O, n: rows.count * g.outWidth, k: K, w, cols, beta: beta, y + n * O * P + first * g.outWidth, ldc: P, split: false)
        }
        return
    }
    let cols = UnsafeMutablePointer<Float>.allocate(capacity: K * chunk * P)
    let product = UnsafeMutablePointer<Float>.allocate(capacity: O * chunk * P)
    defer { cols.deallocate(); product.deallocate() }
    for first in stride(from: 0, to: g.batch, by: chunk) {
        let images = first..<min(g.batch, first + chunk), length = images.count * P
        g.unfold(x, images: images, into: cols)
        gemm(m: O, n: length, k: K, w, cols, product)
        // product[o, j·P + p] → y[first + j, o, p], added to the bias or copied (y holds no zeros to add to)
        parallelFor(images.count * O) { job in
            let j = job / O, o = job % O
            let dst = y + ((first + j) * O + o) * P, src = product + o * length + j * P
            if bias == nil { dst.update(from: src, count: P) } else { for p in 0..<P { dst[p] += src[p] } }
        }
    }
}

private func convolutionBackward(_ g: ConvolutionGeometry, _ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ dy: [Float]) {
    let P = g.pixels, O = g.outChannels, K = g.columns
    dy.withUnsafeBufferPointer { dyBuffer in
        let dy = dyBuffer.baseAddress!
        if let bias, bias.requiresGrad {
            bias.gradScalars.withUnsafeMutableBufferPointer { db in
                for n in 0..<g.batch { for o in 0..<O { var s: Float = 0; let row = dy + (n * O + o) * P; for p in 0..<P { s += row[p] }; db[o] += s } }
            }
        }
        x.scalars.withUnsafeBufferPointer { xsBuffer in
            weight.scalars.withUnsafeBufferPointer { wBuffer in
                let xs = xsBuffer.baseAddress!, w = wBuffer.baseAddress!
                if g.isPointwise {
                    if weight.requiresGrad {   // dW[O, C] += Σn dY[n][O, P] · x[n]ᵀ
                        weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                            for n in 0..<g.batch { gemm(transposeB: true, m: O, n: K, k: P, dy + n * O * P, xs + n * K * P, beta: 1, dw.baseAddress!) }
                        }
                    }
                    if x.requiresGrad {        // dx[n] += Wᵀ · dY[n]
                        x.gradScalars.withUnsafeMutableBufferPointer { dx in
                            for n in 0..<g.batch { gemm(transposeA: true, m: K, n: P, k: O, w, dy + n * O * P, beta: 1, dx.baseAddress! + n * K * P) }
                        }
                    }
                    return
                }
                let chunk = g.imagesPerChunk
                if chunk == 1 {
                    // As in the forward: whole images per core, unsplit GEMMs. dX[n] is written by image
                    // n alone; dW is summed from per-image partials in image order (deterministic).
                    let partials = UnsafeMutablePointer<Float>.allocate(capacity: weight.requiresGrad ? g.batch * O * K : 0)
                    defer { partials.deallocate() }
                    func perImage(_ dxBase: UnsafeMutablePointer<Float>?) {
                        parallelFor(g.batch) { n in
                            let cols = UnsafeMutablePointer<Float>.allocate(capacity: K * P)
                            defer { cols.deallocate() }
                            let dyImage = dy + n * O * P
                            if weight.requiresGrad {
                                g.unfold(xs, images: n..<(n + 1), into: cols, parallel: false)
                                gemm(transposeB: true, m: O, n: K, k: P, dyImage, cols, partials + n * O * K, split: false)
                            }
                            if let dxBase {
                                gemm(transposeA: true, m: K, n: P, k: O, w, dyImage, cols, split: false)
                                g.fold(cols, images: n..<(n + 1), into: dxBase, parallel: false)
                            }
                        }
                    }
                    if x.requiresGrad {
                        x.gradScalars.withUnsafeMutableBufferPointer { perImage($0.baseAddress!) }
                    } else {
                        perImage(nil)
                    }
                    if weight.requiresGrad {
                        weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                            for n in 0..<g.batch { for i in 0..<(O * K) { dw[i] += partials[n * O * K + i] } }
                        }
                    }
                    return
                }
                let cols = UnsafeMutablePointer<Float>.allocate(capacity: K * chunk * P)
                let dyChunk = UnsafeMutablePointer<Float>.allocate(capacity: O * chunk * P)
                defer { cols.deallocate(); dyChunk.deallocate() }
                for first in stride(from: 0, to: g.batch, by: chunk) {
                    let images = first..<min(g.batch, first + chunk), length = images.count * P
                    // dY[first + j, o, p] → dyChunk[o, j·P + p], the layout of the forward GEMM's output
                    // (for one image that already is dY's own layout).
                    let dyChunk = images.count == 1 ? UnsafeMutablePointer(mutating: dy + first * O * P) : dyChunk
                    if images.count > 1 {
                        parallelFor(images.count * O) { job in
                            let j = job / O, o = job % O
                            (dyChunk + o * length + j * P).update(from: dy + ((first + j) * O + o) * P, count: P)
                        }
                    }
                    if weight.requiresGrad {   // dW[O, K] += dY · colsᵀ
                        g.unfold(xs, images: images, into: cols)
                        weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                            gemm(transposeB: true, m: O, n: K, k: length, dyChunk, cols, beta: 1, dw.baseAddress!)
                        }
                    }
                    if x.requiresGrad {        // dcols = Wᵀ · dY, folded back into dx
                        gemm(transposeA: true, m: K, n: length, k: O, w, dyChunk, cols)
                        x.gradScalars.withUnsafeMutableBufferPointer { dx in g.fold(cols, images: images, into: dx.baseAddress!) }
                    }
                }
            }
        }
    }
}
