// Finite-difference checks of reductions and the ops that only move values.
import Testing
@testable import Dream3DCore

@Suite struct StructuralGradientTests {
    @Test func reductions() {
        let x = randomInput([2, 3, 4], seed: 21)
        expectGradientsMatchFiniteDifferences([x]) { x.sum() }
        expectGradientsMatchFiniteDifferences([x]) { x.sum(axes: [1]) }
        expectGradientsMatchFiniteDifferences([x]) { x.sum(axes: [0, 2], keepDims: true) }
        expectGradientsMatchFiniteDifferences([x]) { x.mean(axes: [-1]) }
        expectGradientsMatchFiniteDifferences([x]) { x.mean() }
        let s = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(s.sum(axes: [0]).scalars == [5, 7, 9])
        #expect(s.sum(axes: [1], keepDims: true).shape == [2, 1])
        #expect(s.mean(axes: [1]).scalars == [2, 5])
    }

    @Test func reshapePermuteTranspose() {
        let x = randomInput([2, 3, 4], seed: 22)
        expectGradientsMatchFiniteDifferences([x]) { x.reshaped([4, -1]) * x.reshaped([4, 6]) }
        expectGradientsMatchFiniteDifferences([x]) { x.permuted([2, 0, 1]) }
        expectGradientsMatchFiniteDifferences([x]) { x.transposed(0, 1) }
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.transposed().scalars == [1, 4, 2, 5, 3, 6])
        let p = Tensor(shape: [2, 2, 2], scalars: [0, 1, 2, 3, 4, 5, 6, 7]).permuted([2, 0, 1])
        #expect(p.scalars == [0, 2, 4, 6, 1, 3, 5, 7])     // p[k, i, j] = x[i, j, k]
    }

    @Test func sliceConcatSplit() {
        let x = randomInput([2, 5, 3], seed: 23), y = randomInput([2, 2, 3], seed: 24)
        expectGradientsMatchFiniteDifferences([x]) { x.sliced(axis: 1, 1..<4) }
        expectGradientsMatchFiniteDifferences([x, y]) { Tensor.concatenate([x, y, x], axis: 1) }
        expectGradientsMatchFiniteDifferences([x]) {
            let parts = x.split(axis: 1, sizes: [2, 3])
            return parts[0].sum(axes: [1]) * parts[1].sum(axes: [1])
        }
        let m = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.sliced(axis: 1, 1..<3).scalars == [2, 3, 5, 6])
        #expect(Tensor.concatenate([m, m.sliced(axis: 0, 0..<1)], axis: 0).scalars == [1, 2, 3, 4, 5, 6, 1, 2, 3])
        #expect(Tensor.concatenate([m, m], axis: 1).scalars == [1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6])
    }

    @Test func upsampleAndPixelShuffle() {
        let x = randomInput([1, 8, 2, 3], seed: 25)
        expectGradientsMatchFiniteDifferences([x]) { x.upsampledNearest(factor: 2) }
        expectGradientsMatchFiniteDifferences([x]) { x.pixelShuffled(2) }
        let image = randomInput([2, 2, 4, 6], seed: 26)
        expectGradientsMatchFiniteDifferences([image]) { image.pixelUnshuffled(2) }
        // Unshuffle undoes shuffle exactly, and shuffle follows torch's index formula.
        #expect(image.pixelUnshuffled(2).pixelShuffled(2).scalars == image.scalars)
        let channels = Tensor(shape: [1, 4, 1, 1], scalars: [1, 2, 3, 4]).pixelShuffled(2)
        #expect(channels.shape == [1, 1, 2, 2] && channels.scalars == [1, 2, 3, 4])
        let small = Tensor(shape: [1, 1, 1, 2], scalars: [5, 7]).upsampledNearest(factor: 2)
        #expect(small.scalars == [5, 5, 7, 7, 5, 5, 7, 7])
    }

    @Test func averagePooling() {
        let x = randomInput([2, 3, 4, 6], seed: 28)
        expectGradientsMatchFiniteDifferences([x]) { x.averagePooled(factor: 2) }
        // Means of 2×2 blocks, worked by hand: [[1, 2, 3, 4], [5, 6, 7, 8]] → [3.5, 5.5].
        let block = Tensor(shape: [1, 1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8]).averagePooled(factor: 2)
        #expect(block.shape == [1, 1, 1, 2] && block.scalars == [3.5, 5.5])
        #expect(x.averagePooled(factor: 1).scalars == x.scalars)
    }

    @Test func embeddingGather() {
        let table = randomInput([5, 3], seed: 27)
        expectGradientsMatchFiniteDifferences([table]) { Tensor.embedding([4, 0, 4, 2], table: table) }
        let rows = Tensor.embedding([2, 2], table: table)
        #expect(Array(rows.scalars[0..<3]) == Array(table.scalars[6..<9]))
    }

    @Test func bilinearResize() {
        let x = randomInput([2, 1, 3, 4], seed: 30)
        expectGradientsMatchFiniteDifferences([x]) { x.resizedBilinear(height: 7, width: 5) }     // up one way, nearly same the other
        expectGradientsMatchFiniteDifferences([x]) { x.resizedBilinear(height: 2, width: 2) }     // down
        // torch's F.interpolate(bilinear, align_corners=False) worked by hand: 2 → 4 samples the input at
        // s = max(0, (d + ½)/2 − ½) = 0, 0.25, 0.75, 1.25 (clamped to the last pixel), so along each axis
        // [0, 1] becomes [0, 0.25, 0.75, 1]; the input 2y + x is affine, so the output is 2·f(y) + f(x).
        let up = Tensor(shape: [1, 1, 2, 2], scalars: [0, 1, 2, 3]).resizedBilinear(height: 4, width: 4)
        let f: [Float] = [0, 0.25, 0.75, 1]
        #expect(up.scalars == f.flatMap { fy in f.map { fx in 2 * fy + fx } })
        // 4 → 2 samples at s = 0.5 and 2.5: the means of pixel pairs (no antialiasing).
        #expect(Tensor(shape: [1, 1, 1, 4], scalars: [0, 1, 2, 3]).resizedBilinear(height: 1, width: 2).scalars == [0.5, 2.5])
    }

    @Test func meanSquaredError() {
        let a = randomInput([3, 4], seed: 28), b = randomInput([3, 4], seed: 29)
        expectGradientsMatchFiniteDifferences([a, b]) { Tensor.mseLoss(a, b) }
        let loss = Tensor.mseLoss(Tensor(shape: [2], scalars: [1, 3]), Tensor(shape: [2], scalars: [0, 0]))
        #expect(loss.item == 5)
    }
}
