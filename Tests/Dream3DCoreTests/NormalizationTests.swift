// group norm, layer norm, softmax and attention: forward against direct formulas, backward against finite differences.
import Testing
@testable import Dream3DCore

@Suite struct NormalizationTests {
    @Test func groupNorm() {
        let x = randomInput([2, 4, 3, 3], in: -2...2, seed: 51), w = randomInput([4], seed: 52), b = randomInput([4], seed: 53)
        expectGradientsMatchFiniteDifferences([x, w, b]) { Tensor.groupNorm(x, groups: 2, weight: w, bias: b) }
        // Direct formula for image 1, group 1 (channels 2 and 3).
        let y = Tensor.groupNorm(x, groups: 2, weight: w, bias: b)
        let start = (1 * 4 + 2) * 9, values = x.scalars[start..<(start + 18)].map(Double.init)
        let mean = values.reduce(0, +) / 18, variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 18
        let expected = (0..<18).map { i in Float((values[i] - mean) / (variance + 1e-5).squareRoot()) * w.scalars[2 + i / 9] + b.scalars[2 + i / 9] }
        expectClose(Array(y.scalars[start..<(start + 18)]), expected, tolerance: 1e-5, "group norm")
    }

    @Test func layerNorm() {
        let x = randomInput([3, 5], in: -2...2, seed: 54), w = randomInput([5], seed: 55), b = randomInput([5], seed: 56)
        expectGradientsMatchFiniteDifferences([x, w, b]) { Tensor.layerNorm(x, weight: w, bias: b) }
        expectGradientsMatchFiniteDifferences([x]) { Tensor.layerNorm(x, weight: nil, bias: nil) }
        let y = Tensor.layerNorm(x, weight: nil, bias: nil)
        for row in 0..<3 {
            let r = y.scalars[(row * 5)..<(row * 5 + 5)]
            #expect(abs(r.reduce(0, +)) < 1e-5)
            #expect(abs(r.map { $0 * $0 }.reduce(0, +) / 5 - 1) < 1e-3)
        }
    }

    @Test func softmax() {
        let x = randomInput([3, 6], in: -3...3, seed: 57)
        expectGradientsMatchFiniteDifferences([x]) { x.softmax() }
        let y = Tensor(shape: [1, 3], scalars: [1, 2, -Float.infinity]).softmax()
        let e = Foundation.exp(Float(1))
        expectClose(y.scalars, [1 / (1 + e), e / (1 + e), 0], tolerance: 1e-6, "softmax with a masked entry")
    }

    @Test func attention() {
        let q = randomInput([1, 2, 3, 4], seed: 58), k = randomInput([1, 2, 5, 4], seed: 59), v = randomInput([1, 2, 5, 3], seed: 60)
        let mask = Tensor(shape: [3, 5], scalars: (0..<15).map { $0 % 5 == 4 ? -Float.infinity : 0 })
        expectGradientsMatchFiniteDifferences([q, k, v]) { Tensor.scaledDotProductAttention(query: q, key: k, value: v) }
        expectGradientsMatchFiniteDifferences([q, k, v]) { Tensor.scaledDotProductAttention(query: q, key: k, value: v, mask: mask) }
        let s = randomInput([2, 4, 4], seed: 61)
        expectGradientsMatchFiniteDifferences([s]) { Tensor.scaledDotProductAttention(query: s, key: s, value: s, causal: true) }
        // Direct formula for head 1, query 2, in Double.
        let y = Tensor.scaledDotProductAttention(query: q, key: k, value: v, mask: mask)
        let qi = (0..<4).map { Double(q.scalars[(1 * 3 + 2) * 4 + $0]) }
        var scores = [Double](repeating: -Double.infinity, count: 5)     // key 4 is masked
        for j in 0..<4 {
            var dot = 0.0
            for d in 0..<4 { dot += qi[d] * Double(k.scalars[(5 + j) * 4 + d]) }
            scores[j] = dot / 2                                            // scale 1/√4
        }
        let top = scores.max()!
        let weights = scores.map { Foundation.exp($0 - top) }
        let total = weights.reduce(0, +)
        var expected = [Float](repeating: 0, count: 3)
        for c in 0..<3 {
            var sum = 0.0
            for j in 0..<5 { sum += weights[j] / total * Double(v.scalars[(5 + j) * 3 + c]) }
            expected[c] = Float(sum)
        }
        expectClose(Array(y.scalars[((1 * 3 + 2) * 3)..<((1 * 3 + 2) * 3 + 3)]), expected, tolerance: 1e-5, "attention")
        // Causal: the first query sees only the first key, so it returns the first value.
        let causal = Tensor.scaledDotProductAttention(query: s, key: s, value: s, causal: true)
        expectClose(Array(causal.scalars[0..<4]), Array(s.scalars[0..<4]), tolerance: 1e-6, "causal first row")
    }
}

import Foundation
