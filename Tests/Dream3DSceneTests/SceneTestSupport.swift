// Helpers shared by the scene tests: the finite-difference check (same method as the core's, see
// Tests/Dream3DCoreTests/GradCheck.swift) and seeded inputs.
import Testing
import Dream3DCore

/// Tape-versus-central-difference disagreements of `f` for the listed elements of `input`.
func gradientMismatches(_ input: Tensor, indices: [Int]? = nil, eps: Float = 1e-2, tolerance: Double = 2e-3,
                        of f: () -> Tensor) -> [String] {
    var generator = SeededGenerator(seed: 1).split("gradcheck weights")
    let y = f()
    let w = generator.uniforms(y.count, in: -1...1)
    input.zeroGrad()
    y.backward(seed: w)
    let tape = input.gradScalars
    func loss(at i: Int, _ d: Float) -> Double {
        let x0 = input.scalars[i]
        input.scalars[i] = x0 + d
        defer { input.scalars[i] = x0 }
        return zip(withoutGrad { f() }.scalars, w).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    var mismatches: [String] = []
    for i in indices ?? Array(input.scalars.indices) {
        let numeric = (loss(at: i, eps) - loss(at: i, -eps)) / Double(2 * eps)
        if !(abs(Double(tape[i]) - numeric) <= tolerance * max(1, abs(numeric))) {
            mismatches.append("[\(i)]: tape \(tape[i]) vs finite difference \(numeric)")
        }
    }
    return mismatches
}

func expectGradientsMatchFiniteDifferences(_ input: Tensor, indices: [Int]? = nil, eps: Float = 1e-2, tolerance: Double = 2e-3,
                                           sourceLocation: SourceLocation = #_sourceLocation, of f: () -> Tensor) {
    let mismatches = gradientMismatches(input, indices: indices, eps: eps, tolerance: tolerance, of: f)
    let allMatch = mismatches.isEmpty
    #expect(allMatch, "\(mismatches.count) gradient mismatches, first: \(mismatches.prefix(3))", sourceLocation: sourceLocation)
}
