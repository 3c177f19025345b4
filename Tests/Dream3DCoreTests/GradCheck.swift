// GradCheck.swift — the finite-difference check every differentiable op must pass (DESIGN.md §8).
//
// The tape gradient of L = Σ w·f(x), with w random (a plain sum would hide kernels that swap or
// broadcast indices), is compared with central differences (L(x + ε) − L(x − ε)) / 2ε, L summed in
// Double. Forward passes are Float32, so the tolerance is relative: |tape − numeric| ≤ tol·max(1, |numeric|).
// With ε = 1e-2 the truncation error is ~ε²·f‴/6 ≈ 1e-5·f‴ and rounding ~1e-7·|y|/ε, both far below 2e-3.
import Testing
@testable import Dream3DCore

/// Tape-versus-finite-difference disagreements of `f` with respect to `inputs`, worst first.
func gradientMismatches(_ inputs: [Tensor], eps: Float = 1e-2, tolerance: Double = 2e-3,
                        of f: () -> Tensor) -> [String] {
    var rng = SeededGenerator(seed: 1).split("gradcheck weights")
    let y = f()
    let w = rng.uniforms(y.count, in: -1...1)
    inputs.forEach { $0.zeroGrad() }
    y.backward(seed: w)
    let tape = inputs.map(\.gradScalars)
    func loss(nudging x: Tensor, at i: Int, by d: Float) -> Double {
        let x0 = x.scalars[i]
        x.scalars[i] = x0 + d
        defer { x.scalars[i] = x0 }
        let out = withoutGrad { f() }
        return zip(out.scalars, w).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    var mismatches: [(Double, String)] = []
    for (k, x) in inputs.enumerated() {
        for i in x.scalars.indices {
            let numeric = (loss(nudging: x, at: i, by: eps) - loss(nudging: x, at: i, by: -eps)) / Double(2 * eps)
            let error = abs(Double(tape[k][i]) - numeric)
            if !(error <= tolerance * max(1, abs(numeric))) {
                mismatches.append((error, "input \(k)[\(i)]: tape \(tape[k][i]) vs finite difference \(numeric)"))
            }
        }
    }
    return mismatches.sorted { $0.0 > $1.0 }.map(\.1)
}

/// Expects `f`'s tape gradients to match finite differences for every element of every input.
func expectGradientsMatchFiniteDifferences(_ inputs: [Tensor], eps: Float = 1e-2, tolerance: Double = 2e-3,
                                           sourceLocation: SourceLocation = #_sourceLocation, of f: () -> Tensor) {
    let mismatches = gradientMismatches(inputs, eps: eps, tolerance: tolerance, of: f)
    let allMatch = mismatches.isEmpty      // a plain Bool, so a failure prints the three worst, not all
    #expect(allMatch, "\(mismatches.count) gradient mismatches, worst: \(mismatches.prefix(3))",
            sourceLocation: sourceLocation)
}

/// A trainable tensor of uniform values (seeded by `seed`).
func randomInput(_ shape: [Int], in range: ClosedRange<Float> = -1...1, seed: UInt64) -> Tensor {
    var rng = SeededGenerator(seed: seed)
    return Tensor.uniform(shape, in: range, using: &rng).requiringGrad()
}

/// Expects two tensors equal within `tolerance`, naming the worst element.
func expectClose(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count, "\(what): \(a.count) values vs \(b.count)", sourceLocation: sourceLocation)
    guard a.count == b.count, !a.isEmpty else { return }
    let worst = a.indices.max { abs(a[$0] - b[$0]) < abs(a[$1] - b[$1]) }!
    #expect(abs(a[worst] - b[worst]) <= tolerance * max(1, abs(b[worst])),
            "\(what): index \(worst) is \(a[worst]), reference \(b[worst])", sourceLocation: sourceLocation)
}
