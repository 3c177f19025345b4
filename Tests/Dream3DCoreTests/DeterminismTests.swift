// Parallel kernels must give the same bits on every run (DESIGN.md §6).
import Testing
@testable import Dream3DCore

@Suite struct DeterminismTests {
    @Test func parallelReductionGivesIdenticalBits() {
        var generator = SeededGenerator(seed: 5)
        let values = generator.normals(1_000_003).map { $0 * 1e3 }
        let sums = (0..<20).map { _ in
            values.withUnsafeBufferPointer { v in
                deterministicSum(v.count, minChunk: 1000) { range in range.reduce(0.0) { $0 + Double(v[$1]) } }
            }
        }
        #expect(Set(sums.map(\.bitPattern)).count == 1)
        let serial = values.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sums[0] - serial) < 1e-6 * values.reduce(0.0) { $0 + abs(Double($1)) })
    }

    @Test func parallelKernelsRepeatBitForBit() {
        func run() -> [Float] {
            let x = randomInput([4, 8, 16, 16], seed: 71), w = randomInput([8, 8, 3, 3], seed: 72)
            let gamma = randomInput([8], seed: 73), beta = randomInput([8], seed: 74)
            let y = Tensor.groupNorm(Tensor.conv2d(x, weight: w, bias: nil, padding: 1), groups: 4, weight: gamma, bias: beta).silu()
            Tensor.mseLoss(y, Tensor(zeros: y.shape)).backward()
            return y.scalars + x.gradScalars + w.gradScalars + gamma.gradScalars
        }
        let first = run()
        for _ in 0..<5 { #expect(run() == first) }
    }
}
