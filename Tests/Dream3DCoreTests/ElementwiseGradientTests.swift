// Finite-difference checks of the elementwise ops, arithmetic with broadcasting and activations.
import Testing
@testable import Dream3DCore

@Suite struct ElementwiseGradientTests {
    @Test func gradCheckCatchesAWrongBackward() {
        // An op whose backward forgets a factor 2 must be reported: proof the check can fail.
        let x = randomInput([5], seed: 3)
        let mismatches = gradientMismatches([x]) {
            Tensor.record(Tensor(shape: x.shape, scalars: x.scalars.map { 2 * $0 }), inputs: [x]) { y in
                let dy = y.gradScalars
                for i in 0..<x.count { x.gradScalars[i] += dy[i] }
            }
        }
        #expect(mismatches.count == 5)
    }

    @Test(arguments: [([3, 4], [3, 4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([1, 3, 1], [2, 1, 5]), ([2, 3], [])])
    func arithmeticWithBroadcasting(shapes: ([Int], [Int])) {
        let a = randomInput(shapes.0, seed: 11), b = randomInput(shapes.1, in: 0.5...2, seed: 12)
        expectGradientsMatchFiniteDifferences([a, b]) { a + b }
        expectGradientsMatchFiniteDifferences([a, b]) { a - b }
        expectGradientsMatchFiniteDifferences([a, b]) { a * b }
        expectGradientsMatchFiniteDifferences([a, b]) { a / b }
    }

    @Test func broadcastForwardValues() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), b = Tensor(shape: [3], scalars: [10, 20, 30])
        #expect((a + b).scalars == [11, 22, 33, 14, 25, 36])
        let column = Tensor(shape: [2, 1], scalars: [2, 3])
        #expect((a * column).scalars == [2, 4, 6, 12, 15, 18])
        #expect((a - column).shape == [2, 3])
    }

    @Test func scalarOperations() {
        let x = randomInput([7], in: 0.5...2, seed: 13)
        expectGradientsMatchFiniteDifferences([x]) { x * 3 + 2 }
        expectGradientsMatchFiniteDifferences([x]) { 1 - x / 4 }
        expectGradientsMatchFiniteDifferences([x]) { 2 / x }
        expectGradientsMatchFiniteDifferences([x]) { -x }
    }

    @Test func unaryMath() {
        let x = randomInput([9], in: 0.3...2, seed: 14)
        expectGradientsMatchFiniteDifferences([x]) { x.exp() }
        expectGradientsMatchFiniteDifferences([x]) { x.log() }
        expectGradientsMatchFiniteDifferences([x]) { x.sqrt() }
        expectGradientsMatchFiniteDifferences([x]) { x.pow(2.5) }
        expectGradientsMatchFiniteDifferences([x]) { x.square() }
        expectGradientsMatchFiniteDifferences([x]) { x.tanh() }
        let y = Tensor(shape: [4], scalars: [-1.5, -0.4, 0.3, 2]).requiringGrad()
        expectGradientsMatchFiniteDifferences([y]) { y.abs() }
        expectGradientsMatchFiniteDifferences([y]) { y.clamped(-1, 1) }
    }

    @Test func activations() {
        // Values straddle 0 but stay ε away from ReLU's kink; the tails test softplus' stable form.
        let x = Tensor(shape: [10], scalars: [-30, -6, -2, -0.7, -0.1, 0.15, 0.8, 2.5, 7, 25]).requiringGrad()
        expectGradientsMatchFiniteDifferences([x]) { x.sigmoid() }
        expectGradientsMatchFiniteDifferences([x]) { x.softplus() }
        expectGradientsMatchFiniteDifferences([x]) { x.silu() }
        expectGradientsMatchFiniteDifferences([x]) { x.relu() }
        expectGradientsMatchFiniteDifferences([x]) { x.gelu(.erf) }
        expectGradientsMatchFiniteDifferences([x]) { x.gelu(.tanh) }
        expectGradientsMatchFiniteDifferences([x]) { x.quickGELU() }
    }

    @Test func largeInputsGradientsStartFromZeroEachStep() {
        // 20k values are several parallel chunks; each chunk of a stale gradient is zeroed just before the
        // first backward adds into it (`addingIntoGradient`), and a second op reading x adds on top.
        var rng = SeededGenerator(seed: 32)
        let x = Tensor.uniform([20_000], in: -3...3, using: &rng).requiringGrad()
        let seed = rng.normals(20_000)
        func step() -> [Float] {
            x.zeroGrad()
            (x.relu() + x.sigmoid()).backward(seed: seed)           // a C kernel's backward, then a closure's
            return x.gradScalars
        }
        let first = step(), second = step()
        #expect(first == second)
        let expected = x.scalars.indices.map { i -> Float in
            let s = 1 / (1 + Foundation.exp(-x.scalars[i]))
            return (x.scalars[i] > 0 ? seed[i] : 0) + seed[i] * s * (1 - s)
        }
        expectClose(first, expected, tolerance: 1e-5, "relu′ + sigmoid′")
    }

    @Test func gegluGradientsMatchFiniteDifferences() {
        // Rows of 2·3: each output reads a value from the first half and a gate from the second.
        var rng = SeededGenerator(seed: 31)
        let x = Tensor.uniform([4, 6], in: -3...3, using: &rng).requiringGrad()
        expectGradientsMatchFiniteDifferences([x]) { x.geglu() }
    }

    @Test func gegluValuesMatchItsDefinition() {
        // a·GELU(b) per row [a | b], the reference evaluated in Double with Foundation's erf; rows of
        // 2·37 and 5 rows so the kernel's vector loop and its leftover lanes both run.
        var rng = SeededGenerator(seed: 32)
        let half = 37, rows = 5
        let x = Tensor.uniform([rows, 2 * half], in: -5...5, using: &rng)
        let expected = (0..<(rows * half)).map { i -> Float in
            let a = Double(x.scalars[(i / half) * 2 * half + i % half]), b = Double(x.scalars[(i / half) * 2 * half + half + i % half])
            return Float(a * 0.5 * b * (1 + Foundation.erf(b / 2.0.squareRoot())))
        }
        let y = x.geglu()
        #expect(y.shape == [rows, half])
        expectClose(y.scalars, expected, tolerance: 1e-5, "geglu")
    }

    @Test func activationValuesMatchTheirDefinitions() {
        // Reference values from the closed forms, evaluated in Double.
        let points: [Double] = [-40, -3, -0.5, 0, 0.5, 3, 40]
        let x = Tensor(shape: [points.count], scalars: points.map(Float.init))
        expectClose(x.softplus().scalars, points.map { Float(Foundation.log(1 + Foundation.exp($0))) }, "softplus")
        expectClose(x.sigmoid().scalars, points.map { Float(1 / (1 + Foundation.exp(-$0))) }, "sigmoid")
        expectClose(x.gelu(.erf).scalars, points.map { Float(0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot()))) }, "gelu erf")
        expectClose(x.gelu(.tanh).scalars, points.map { v in
            Float(0.5 * v * (1 + Foundation.tanh((2 / Double.pi).squareRoot() * (v + 0.044715 * v * v * v))))
        }, "gelu tanh")
        #expect(!x.softplus().scalars.contains { !$0.isFinite })
    }

    @Test func vectorKernelsStayCloseToLibm() {
        // The C kernels' erf (Abramowitz & Stegun 7.1.26) and exp (Cephes) against Foundation's, on a
        // grid over [-10, 10): measured 4.8e-7 for GELU, 1.7e-7 for SiLU (relative to max(1, |y|)).
        let points = Array(stride(from: -10 as Float, to: 10, by: 0.001))
        let x = Tensor(shape: [points.count], scalars: points)
        expectClose(x.gelu(.erf).scalars, points.map { 0.5 * $0 * (1 + Foundation.erf($0 / Float(2).squareRoot())) },
                    tolerance: 1e-6, "gelu erf")
        expectClose(x.silu().scalars, points.map { $0 / (1 + Foundation.exp(-$0)) }, tolerance: 1e-6, "silu")
    }
}

import Foundation
