// matmul, linear and conv2d: forward against naive loops written here, backward against finite differences.
import Testing
@testable import Dream3DCore

/// Direct-loop convolution, the definition itself (PyTorch's cross-correlation), in Double.
func naiveConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: Int, padding: Int) -> [Float] {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
    let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
    var out: [Float] = []
    for img in 0..<n { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
        var s = Double(b?.scalars[oc] ?? 0)
        for ic in 0..<c { for i in 0..<kh { for j in 0..<kw {
            let yy = y * stride - padding + i, xj = xx * stride - padding + j
            guard yy >= 0, yy < h, xj >= 0, xj < wd else { continue }
            s += Double(x.scalars[((img * c + ic) * h + yy) * wd + xj]) * Double(w.scalars[((oc * c + ic) * kh + i) * kw + j])
        } } }
        out.append(Float(s))
    } } } }
    return out
}

@Suite struct LinearAlgebraTests {
    @Test func matmulValuesAndGradients() {
        let a = randomInput([3, 4], seed: 31), b = randomInput([4, 5], seed: 32)
        var naive = [Float](repeating: 0, count: 15)
        for i in 0..<3 { for j in 0..<5 { for k in 0..<4 { naive[i * 5 + j] += a.scalars[i * 4 + k] * b.scalars[k * 5 + j] } } }
        expectClose(Tensor.matmul(a, b).scalars, naive, tolerance: 1e-5, "matmul")
        expectGradientsMatchFiniteDifferences([a, b]) { Tensor.matmul(a, b) }
    }

    @Test func batchedMatmul() {
        let a = randomInput([2, 3, 2, 4], seed: 33), b = randomInput([2, 3, 4, 3], seed: 34), shared = randomInput([4, 3], seed: 35)
        expectGradientsMatchFiniteDifferences([a, b]) { Tensor.matmul(a, b) }
        expectGradientsMatchFiniteDifferences([a, shared]) { Tensor.matmul(a, shared) }
        // Inputs of two products: the first backward writes their gradients, the second adds into them.
        expectGradientsMatchFiniteDifferences([a, b]) { Tensor.matmul(a, b) + Tensor.matmul(a, b) * 2 }
        // Batch 4 of the batched product equals the plain product of its slices.
        let batch = Tensor.matmul(a, b).reshaped([6, 2, 3]).sliced(axis: 0, 4..<5).reshaped([2, 3])
        let alone = Tensor.matmul(a.reshaped([6, 2, 4]).sliced(axis: 0, 4..<5).reshaped([2, 4]),
                                  b.reshaped([6, 4, 3]).sliced(axis: 0, 4..<5).reshaped([4, 3]))
        expectClose(batch.scalars, alone.scalars, tolerance: 1e-6, "batch 4")
    }

    @Test func linearLayer() {
        let x = randomInput([2, 3, 4], seed: 36), w = randomInput([5, 4], seed: 37), b = randomInput([5], seed: 38)
        expectGradientsMatchFiniteDifferences([x, w, b]) { Tensor.linear(x, weight: w, bias: b) }
        expectGradientsMatchFiniteDifferences([x, w]) { Tensor.linear(x, weight: w, bias: nil) }
        expectGradientsMatchFiniteDifferences([x, w]) { Tensor.linear(x, weight: w, bias: nil) + Tensor.linear(x, weight: w, bias: nil) * 2 }
        let y = Tensor.linear(x, weight: w, bias: b)
        let reference = Tensor.matmul(x, w.transposed()) + b
        expectClose(y.scalars, reference.scalars, tolerance: 1e-5, "linear = x·Wᵀ + b")
        #expect(y.shape == [2, 3, 5])
    }

    @Test func linearOfFeatureMajorInput() {
        let x = randomInput([4, 6], seed: 48), w = randomInput([5, 4], seed: 49)
        expectGradientsMatchFiniteDifferences([x, w]) { Tensor.linear(featureMajor: x, weight: w) }
        // Two layers reading the same input (the field's density and colour networks): the second adds into ∂x.
        let w2 = randomInput([3, 4], seed: 53)
        expectGradientsMatchFiniteDifferences([x, w, w2]) {
            Tensor.concatenate([Tensor.linear(featureMajor: x, weight: w), Tensor.linear(featureMajor: x, weight: w2)], axis: 1)
        }
        let y = Tensor.linear(featureMajor: x, weight: w)
        #expect(y.shape == [6, 5])
        expectClose(y.scalars, Tensor.linear(x.transposed(), weight: w, bias: nil).scalars, tolerance: 1e-5, "linear of xᵀ")
    }

    /// Large enough that the GEMMs are split between the cores (row blocks of the transposed operand):
    /// values and gradients as `linear` on the rows.
    @Test func linearOfFeatureMajorInputSplitAcrossCores() {
        let rows = 20_000
        let x = randomInput([40, rows], seed: 50), w = randomInput([8, 40], seed: 51)
        let rowsX = Tensor(shape: [rows, 40], scalars: x.transposed().scalars).requiringGrad()
        let seed = randomInput([rows, 8], seed: 52).scalars
        let y = Tensor.linear(featureMajor: x, weight: w)
        y.backward(seed: seed)
        let featureMajorGrads = (x: x.gradScalars, w: w.gradScalars)
        w.zeroGrad()
        let reference = Tensor.linear(rowsX, weight: w, bias: nil)
        reference.backward(seed: seed)
        expectClose(y.scalars, reference.scalars, tolerance: 1e-5, "values")
        expectClose(featureMajorGrads.x, rowsX.grad.transposed().scalars, tolerance: 1e-5, "∂x")
        expectClose(featureMajorGrads.w, w.gradScalars, tolerance: 1e-4, "∂W")
    }

    @Test(arguments: [(3, 1, 1), (3, 2, 1), (1, 1, 0), (3, 1, 0), (2, 2, 0)])
    func conv2dMatchesDefinition(kernel: Int, stride: Int, padding: Int) {
        let x = randomInput([2, 3, 5, 6], seed: 39), w = randomInput([4, 3, kernel, kernel], seed: 40), b = randomInput([4], seed: 41)
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: padding)
        expectClose(y.scalars, naiveConv2d(x, w, b, stride: stride, padding: padding), tolerance: 1e-5, "conv2d k\(kernel) s\(stride) p\(padding)")
        expectGradientsMatchFiniteDifferences([x, w, b]) { Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: padding) }
    }

    /// One image per GEMM (column budget 1), split into bands of output rows: 1 row (the budget fits
    /// none), 2 rows of 6 at stride 1 (27 columns × 6 pixels a row), 2 of 3 at stride 2, a last band shorter.
    @Test(arguments: [(1, 1), (27 * 6 * 2, 1), (27 * 6 * 4, 1), (27 * 3 * 2, 2)])
    func conv2dBandPaths(bandBudget: Int, stride: Int) {
        let x = randomInput([2, 3, 6, 6], seed: 45), w = randomInput([4, 3, 3, 3], seed: 46), b = randomInput([4], seed: 47)
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: 1, columnBudget: 1, bandBudget: bandBudget)
        expectClose(y.scalars, naiveConv2d(x, w, b, stride: stride, padding: 1), tolerance: 1e-5,
                    "conv2d, band budget \(bandBudget), stride \(stride)")
        expectGradientsMatchFiniteDifferences([x, w, b]) {
            Tensor.conv2d(x, weight: w, bias: b, stride: stride, padding: 1, columnBudget: 1, bandBudget: bandBudget)
        }
    }

    @Test(arguments: [1, 3 * 27 * 36, 1 << 20])     // column budgets: one image, three images, all five per GEMM
    func conv2dChunkingPaths(columnBudget: Int) {
        let x = randomInput([5, 3, 6, 6], seed: 42), w = randomInput([4, 3, 3, 3], seed: 43), b = randomInput([4], seed: 44)
        let y = Tensor.conv2d(x, weight: w, bias: b, stride: 1, padding: 1, columnBudget: columnBudget)
        expectClose(y.scalars, naiveConv2d(x, w, b, stride: 1, padding: 1), tolerance: 1e-5, "conv2d, column budget \(columnBudget)")
        expectGradientsMatchFiniteDifferences([x, w, b]) {
            Tensor.conv2d(x, weight: w, bias: b, stride: 1, padding: 1, columnBudget: columnBudget)
        }
    }
}
