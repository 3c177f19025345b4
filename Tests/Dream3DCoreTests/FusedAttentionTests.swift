// FusedAttentionTests.swift — the blocked attention kernel against the unfused reference
// (scaledDotProductAttention: matmul, softmax, matmul) and against finite differences, with score
// blocks forced small so the multi-block paths run; also the vectorisable exponential against Foundation.exp.
import Foundation
import Testing
@testable import Dream3DCore

@Suite struct FusedAttentionTests {
    @Test(arguments: [false, true])
    func matchesUnfusedAttention(causal: Bool) {
        var rng = SeededGenerator(seed: 21)
        let q = Tensor.normal([2, 3, 13, 5], using: &rng), k = Tensor.normal([2, 3, 17, 5], using: &rng)
        let v = Tensor.normal([2, 3, 17, 7], using: &rng)
        let reference = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: causal, scale: 0.7)
        for budget in [1 << 18, 17 * 4, 17] {
            let fused = Tensor.fusedAttention(query: q, key: k, value: v, causal: causal, scale: 0.7, blockBudget: budget)
            #expect(fused.shape == reference.shape)
            let worst = zip(fused.scalars, reference.scalars).map { abs($0 - $1) }.max()!
            #expect(worst < 1e-5, "budget \(budget): max difference \(worst)")
        }
    }

    /// Shapes that reach every path of the block kernels (CIntrinsics/AttentionBlock.c): 16-channel heads
    /// as the U-Net's, 4-row and 8-row groups with leftover rows, 64- and 16-key strips with leftover keys,
    /// value widths of one and two 16-channel vectors with leftover channels.
    @Test(arguments: [(16, 16), (16, 40), (24, 32)])
    func matchesUnfusedAttentionOnVectorPaths(d: Int, dv: Int) {
        var rng = SeededGenerator(seed: 23)
        let q = Tensor.normal([2, 37, d], using: &rng), k = Tensor.normal([2, 150, d], using: &rng)
        let v = Tensor.normal([2, 150, dv], using: &rng)
        for causal in [false, true] {
            let reference = Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: causal)
            for budget in [1 << 18, 150 * 11] {
                let fused = Tensor.fusedAttention(query: q, key: k, value: v, causal: causal, scale: nil, blockBudget: budget)
                let worst = zip(fused.scalars, reference.scalars).map { abs($0 - $1) }.max()!
                #expect(worst < 1e-5, "d \(d), dv \(dv), causal \(causal), budget \(budget): max difference \(worst)")
            }
        }
    }

    @Test(arguments: [false, true])
    func gradientsMatchFiniteDifferences(causal: Bool) {
        var rng = SeededGenerator(seed: 22)
        let q = Tensor.normal([2, 5, 3], using: &rng).requiringGrad(), k = Tensor.normal([2, 6, 3], using: &rng).requiringGrad()
        let v = Tensor.normal([2, 6, 4], using: &rng).requiringGrad()
        expectGradientsMatchFiniteDifferences([q, k, v]) {
            Tensor.fusedAttention(query: q, key: k, value: v, causal: causal, scale: nil, blockBudget: 12)
        }
    }

    /// Backward through the kernels' vector paths: 16-channel heads, a 64-key strip and a leftover.
    @Test func gradientsMatchFiniteDifferencesOnVectorPaths() {
        var rng = SeededGenerator(seed: 24)
        let q = Tensor.normal([1, 9, 16], using: &rng).requiringGrad(), k = Tensor.normal([1, 70, 16], using: &rng).requiringGrad()
        let v = Tensor.normal([1, 70, 16], using: &rng).requiringGrad()
        expectGradientsMatchFiniteDifferences([q, k, v]) {
            Tensor.fusedAttention(query: q, key: k, value: v, causal: false, scale: nil, blockBudget: 70 * 5)
        }
    }

    @Test func fastExponentialIsAccurate() {
        let xs = Array(stride(from: -100.0 as Float, to: 88, by: 0.0137))
        var ys = xs
        _ = ys.withUnsafeMutableBufferPointer { expShiftedSum($0.baseAddress!, $0.count, shift: 0) }
        var worst: Float = 0
        for (x, y) in zip(xs, ys) {
            let exact = Foundation.exp(x)
            if exact > 1e-37 { worst = max(worst, abs(y - exact) / exact) } else { #expect(y < 1e-30, "exp(\(x))") }
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
    }
}
