// Analytic normals: the encoding's spatial derivative and the MLP's input gradient against finite
// differences of the functions they differentiate, their own gradients against finite differences, and
// the field's analytic normals against central differences of σ.
import Testing
import CIntrinsics
import Dream3DCore
@testable import Dream3DScene

@Suite struct AnalyticNormalsTests {
    /// 4 levels from resolution 3, doubling, tables of 2^8 (levels 0–1 dense, 2–3 hashed), random tables.
    func smallEncoding(seed: UInt64) -> HashGridEncoding {
        var c = HashGridConfiguration()
        c.levels = 4
        c.log2TableSize = 8
        c.baseResolution = 3
        c.perLevelScale = 2
        var generator = SeededGenerator(seed: seed)
        let encoding = HashGridEncoding(c, generator: &generator)
        for i in encoding.params.scalars.indices { encoding.params.scalars[i] = generator.uniform(in: -1...1) }
        return encoding
    }

    /// Whether x ± h (normalised coordinates) stays in x's cell on every level along every axis: the
    /// encoding is trilinear there, so a central difference measures the in-cell derivative.
    func staysInItsCells(_ encoding: HashGridEncoding, _ x: [Float], _ h: Float) -> Bool {
        encoding.levels.allSatisfy { level in
            x.allSatisfy { v in ((v - h) * level.scale + 0.5).rounded(.down) == ((v + h) * level.scale + 0.5).rounded(.down) }
        }
    }

    @Test func spatialGradientIsTheEncodingsDerivative() {
        let encoding = smallEncoding(seed: 1)
        var generator = SeededGenerator(seed: 2)
        let count = 60, width = encoding.configuration.outputDimension, h: Float = 1e-3
        let points = generator.uniforms(3 * count, in: 0.02...0.98), v = generator.uniforms(count * width, in: -1...1)
        let gradient = withoutGrad { encoding.spatialGradient(Tensor(shape: [count, 3], scalars: points), along: Tensor(shape: [count, width], scalars: v)) }
        var checked = 0
        for p in 0..<count where staysInItsCells(encoding, Array(points[(3 * p)..<(3 * p + 3)]), h) {
            for a in 0..<3 {
                func readOut(_ d: Float) -> Double {
                    var x = Array(points[(3 * p)..<(3 * p + 3)])
                    x[a] += d
                    let features = withoutGrad { encoding(Tensor(shape: [1, 3], scalars: x)) }.scalars
                    return (0..<width).reduce(0) { $0 + Double(features[$1]) * Double(v[p * width + $1]) }
                }
                let numeric = (readOut(h) - readOut(-h)) / Double(2 * h)
                #expect(abs(Double(gradient.scalars[3 * p + a]) - numeric) < 2e-3 * max(1, abs(numeric)),
                        "point \(p) axis \(a): \(gradient.scalars[3 * p + a]) vs finite difference \(numeric)")
            }
            checked += 1
        }
        #expect(checked > 20, "only \(checked) points stayed in their cells")
        // A clamped coordinate has no derivative along its axis.
        let outside = withoutGrad { encoding.spatialGradient(Tensor(shape: [1, 3], scalars: [1.5, 0.3, -0.2]), along: Tensor(shape: [1, width], scalars: Array(v.prefix(width)))) }
        #expect(outside.scalars[0] == 0 && outside.scalars[2] == 0 && outside.scalars[1] != 0)
    }

    @Test func spatialGradientGradients() {
        // Linear in the table and in v: central differences are exact up to rounding.
        let encoding = smallEncoding(seed: 3)
        var generator = SeededGenerator(seed: 4)
        let count = 30, width = encoding.configuration.outputDimension
        let positions = Tensor(shape: [count, 3], scalars: generator.uniforms(3 * count))
        let v = Tensor(shape: [count, width], scalars: generator.uniforms(count * width, in: -1...1), requiresGrad: true)
        expectGradientsMatchFiniteDifferences(encoding.params, eps: 0.5) { encoding.spatialGradient(positions, along: v) }
        expectGradientsMatchFiniteDifferences(v, eps: 0.5) { encoding.spatialGradient(positions, along: v) }
    }

    @Test func vectorAndPortableSpatialGradientsAgreeBitForBit() {
        // As the encoding's kernels (HashGridEncodingTests): the AVX-512 and scalar paths do the same
        // operations in the same order.
        func run(portable: Bool) -> [Float] {
            d3d_hash_grid_force_portable(portable ? 1 : 0)
            defer { d3d_hash_grid_force_portable(0) }
            let encoding = smallEncoding(seed: 10)
            var generator = SeededGenerator(seed: 11)
            let count = 1001, width = encoding.configuration.outputDimension
            let positions = Tensor(shape: [count, 3], scalars: generator.uniforms(3 * count, in: -0.1...1.1))
            let v = Tensor(shape: [count, width], scalars: generator.uniforms(count * width, in: -1...1), requiresGrad: true)
            let y = encoding.spatialGradient(positions, along: v)
            y.backward(seed: generator.normals(y.count))
            return y.scalars + encoding.params.gradScalars + v.gradScalars
        }
        let portable = run(portable: true), vector = run(portable: false)
        #expect(portable.count == vector.count && zip(portable, vector).allSatisfy { $0.bitPattern == $1.bitPattern })
    }

    @Test func eachBackwardAfterZeroGradStartsFromZero() {
        // The table gradient is not cleared in a separate pass: whichever of the two hash-grid backwards
        // runs first after zeroGrad() zeroes each level's part just before scattering into it. A step's
        // gradient must come out the same however stale the buffer was.
        let encoding = smallEncoding(seed: 12)
        var generator = SeededGenerator(seed: 13)
        let count = 300, width = encoding.configuration.outputDimension
        let positions = Tensor(shape: [count, 3], scalars: generator.uniforms(3 * count))
        let v = Tensor(shape: [count, width], scalars: generator.uniforms(count * width, in: -1...1))
        let features = generator.normals(count * width), normals = generator.normals(count * 3)
        func step() -> [Float] {
            encoding.params.zeroGrad()
            encoding.spatialGradient(positions, along: v).backward(seed: normals)
            encoding(positions).backward(seed: features)
            return encoding.params.gradScalars
        }
        let first = step(), second = step()
        #expect(first == second)
        // And the two backwards add: the sum of each taken alone.
        encoding.params.zeroGrad()
        encoding.spatialGradient(positions, along: v).backward(seed: normals)
        let spatialAlone = encoding.params.gradScalars
        encoding.params.zeroGrad()
        encoding(positions).backward(seed: features)
        let encodingAlone = encoding.params.gradScalars
        let worst = zip(first, zip(spatialAlone, encodingAlone)).map { abs($0 - ($1.0 + $1.1)) / max(1, abs($0)) }.max()!
        #expect(worst < 1e-5, "the step's gradient differs from the sum of the two backwards by \(worst)")
    }

    @Test func inputGradientIsTheNetworksDerivative() {
        var generator = SeededGenerator(seed: 5)
        let mlp = VanillaMLP(name: "m", inputs: 6, outputs: 1, hiddenWidth: 16, hiddenLayers: 2, generator: &generator)
        let rows = 10, x = generator.uniforms(rows * 6, in: -1...1), h: Float = 1e-3
        let gradient = withoutGrad { mlp.inputGradient(Tensor(shape: [rows, 6], scalars: x)) }
        for i in 0..<(rows * 6) {
            func output(_ d: Float) -> Double {
                var nudged = x
                nudged[i] += d
                return Double(withoutGrad { mlp(Tensor(shape: [rows, 6], scalars: nudged)) }.scalars[i / 6])
            }
            let numeric = (output(h) - output(-h)) / Double(2 * h)
            #expect(abs(Double(gradient.scalars[i]) - numeric) < 2e-3 * max(1, abs(numeric)), "[\(i)]: \(gradient.scalars[i]) vs \(numeric)")
        }
        // Its own gradient reaches every layer's weights (ReLU masks held: no kink within ±ε here).
        let input = Tensor(shape: [rows, 6], scalars: x)
        for w in mlp.weights { expectGradientsMatchFiniteDifferences(w, eps: 1e-3, tolerance: 5e-3) { mlp.inputGradient(input) } }
    }

    @Test func outputAndInputGradientInOnePassAreTheTwoApart() {
        // The field takes the density and its input gradient from one pass (feature-major input, as the
        // encoding gives it): the same bits as the network's output and `inputGradient` taken apart.
        var generator = SeededGenerator(seed: 6)
        let mlp = VanillaMLP(name: "m", inputs: 8, outputs: 1, hiddenWidth: 16, hiddenLayers: 2, generator: &generator)
        let x = Tensor(shape: [8, 40], scalars: generator.uniforms(320, in: -1...1))
        let (output, gradient) = withoutGrad { mlp.outputAndInputGradient(x, featureMajor: true) }
        #expect(output.scalars == withoutGrad { mlp(x, featureMajor: true) }.scalars)
        #expect(gradient.shape == [40, 8] && gradient.scalars == withoutGrad { mlp.inputGradient(x, featureMajor: true) }.scalars)
        let rowMajor = withoutGrad { mlp.inputGradient(x.transposed()) }.scalars        // another GEMM: close, not bitwise
        #expect(zip(gradient.scalars, rowMajor).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) })
    }

    @Test func analyticNormalsAreTheDensityGradient() {
        let field = smallField(seed: 6, normals: .analytic)
        var generator = SeededGenerator(seed: 7)
        let count = 60, h: Float = 2e-4
        let points = generator.uniforms(3 * count, in: -0.8...0.8)
        let normals = withoutGrad { field(points, normals: true).normals! }
        var checked = 0
        for p in 0..<count {
            let x = Array(points[(3 * p)..<(3 * p + 3)])
            guard staysInItsCells(field.encoding, x.map { ($0 + 1) / 2 }, h / 2) else { continue }
            var numeric = SIMD3<Double>()
            for a in 0..<3 {
                var plus = x, minus = x
                plus[a] += h; minus[a] -= h
                let sigma = withoutGrad { field.density(plus + minus) }.scalars
                numeric[a] = -(Double(sigma[0]) - Double(sigma[1])) / Double(2 * h)
            }
            numeric /= (numeric * numeric).sum().squareRoot()
            for a in 0..<3 {
                #expect(abs(Double(normals.scalars[3 * p + a]) - numeric[a]) < 1e-2, "point \(p): \(normals.scalars[(3 * p)..<(3 * p + 3)]) vs \(numeric)")
            }
            checked += 1
        }
        #expect(checked > 20, "only \(checked) points stayed in their cells")
    }

    @Test func analyticNormalGradients() {
        let field = smallField(seed: 8, normals: .analytic)
        var generator = SeededGenerator(seed: 9)
        let points = generator.uniforms(3 * 12, in: -0.6...0.6)
        expectFieldGradientsMatchFiniteDifferences(field, weights: field.densityNetwork.weights) { field(points, normals: true).normals! }
    }
}
