// The hash encoding: trilinear interpolation and dense indexing against an analytic table, the
// spatial hash against its formula, and the table gradient against finite differences.
import Testing
import CIntrinsics
import Dream3DCore
@testable import Dream3DScene

@Suite struct HashGridEncodingTests {
    /// 4 levels from resolution 2, tables of 2^8: levels 0–1 dense (2³·… ≤ 256), 2–3 hashed.
    func smallConfiguration() -> HashGridConfiguration {
        var c = HashGridConfiguration()
        c.levels = 4
        c.log2TableSize = 8
        c.baseResolution = 3
        c.perLevelScale = 2
        return c
    }

    @Test func levelsFollowTheInstantNGPGeometry() {
        var generator = SeededGenerator(seed: 0)
        let encoding = HashGridEncoding(generator: &generator)         // the defaults
        // s_l = 16·1.4473^l − 1: level 0 → 15 (resolution 16, dense 4096), level 15 ≈ 4095 (hashed 2^19).
        #expect(encoding.levels[0].resolution == 16 && encoding.levels[0].isDense && encoding.levels[0].tableSize == 4096)
        #expect(abs(encoding.levels[15].scale - 4095) < 2 && !encoding.levels[15].isDense && encoding.levels[15].tableSize == 1 << 19)
        #expect(encoding.levels.filter(\.isDense).count == 5)          // resolutions 16, 24, 34, 49, 71 fit 2^19
        #expect(encoding.params.shape[1] == 2 && encoding.params.shape[0] == encoding.levels.reduce(0) { $0 + $1.tableSize })
    }

    @Test func denseLevelsInterpolateALinearTableExactly() {
        // A table holding the linear function v(x, y, z) = x + 2y + 3z of the vertex coordinates must
        // encode every point as that function of its continuous grid position x·s + 0.5.
        var generator = SeededGenerator(seed: 1)
        let encoding = HashGridEncoding(smallConfiguration(), generator: &generator)
        let level = encoding.levels[1]
        #expect(level.isDense)
        let r = level.resolution
        for z in 0..<r { for y in 0..<r { for x in 0..<r {
            let slot = level.offset + x + y * r + z * r * r
            encoding.params.scalars[2 * slot] = Float(x + 2 * y + 3 * z)
            encoding.params.scalars[2 * slot + 1] = -Float(x)
        } } }
        let points = generator.uniforms(30 * 3, in: 0.05...0.9)
        let features = withoutGrad { encoding(Tensor(shape: [30, 3], scalars: points)) }
        #expect(features.shape == [8, 30])                              // feature-major: level 1's features are rows 2 and 3
        for p in 0..<30 {
            let g = (0..<3).map { points[3 * p + $0] * level.scale + 0.5 }
            #expect(abs(features.scalars[2 * 30 + p] - (g[0] + 2 * g[1] + 3 * g[2])) < 1e-4)
            #expect(abs(features.scalars[3 * 30 + p] + g[0]) < 1e-4)
        }
    }

    @Test func hashedLevelsUseTheSpatialHash() {
        var generator = SeededGenerator(seed: 2)
        let encoding = HashGridEncoding(smallConfiguration(), generator: &generator)
        let level = encoding.levels[3]
        #expect(!level.isDense)
        // Instant-NGP eq. (4): (x·1 ⊕ y·2654435761 ⊕ z·805459861) mod T, in 32-bit arithmetic.
        for (x, y, z) in [(0, 0, 0), (1, 0, 0), (5, 7, 11), (23, 1, 19)] as [(UInt32, UInt32, UInt32)] {
            let expected = (x ^ (y &* 2_654_435_761) ^ (z &* 805_459_861)) % 256
            #expect(level.slot(x, y, z) == Int(expected))
        }
        // A point on a grid vertex reads exactly that vertex's entry.
        let vertex: [UInt32] = [5, 7, 11]
        let point = vertex.map { (Float($0) - 0.5) / level.scale }
        let features = withoutGrad { encoding(Tensor(shape: [1, 3], scalars: point)) }
        let slot = level.offset + level.slot(5, 7, 11)
        #expect(abs(features.scalars[6] - encoding.params.scalars[2 * slot]) < 1e-6)
    }

    @Test func tableGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 3)
        let encoding = HashGridEncoding(smallConfiguration(), generator: &generator)
        for i in encoding.params.scalars.indices { encoding.params.scalars[i] = generator.uniform(in: -1...1) }
        let points = Tensor(shape: [40, 3], scalars: generator.uniforms(120))
        // The encoding is linear in the table, so central differences are exact up to rounding.
        expectGradientsMatchFiniteDifferences(encoding.params, eps: 0.5) { encoding(points) }
    }

    @Test func gradientsRepeatBitForBit() {
        func run() -> [Float] {
            var generator = SeededGenerator(seed: 4)
            let encoding = HashGridEncoding(generator: &generator)
            let points = Tensor(shape: [20_000, 3], scalars: generator.uniforms(60_000))
            let y = encoding(points)
            y.backward(seed: generator.normals(y.count))
            return y.scalars + encoding.params.gradScalars
        }
        #expect(run() == run())
    }

    @Test func vectorAndPortableKernelsAgreeBitForBit() {
        // CIntrinsics/HashGrid.c runs an AVX-512 path here and a scalar one on other CPUs: the same
        // operations in the same order, so the same bits. (Forcing the scalar path is process-wide; a
        // test running alongside meanwhile gets the same results by this very property.)
        func run(portable: Bool) -> [Float] {
            d3d_hash_grid_force_portable(portable ? 1 : 0)
            defer { d3d_hash_grid_force_portable(0) }
            var generator = SeededGenerator(seed: 5)
            let encoding = HashGridEncoding(smallConfiguration(), generator: &generator)
            for i in encoding.params.scalars.indices { encoding.params.scalars[i] = generator.uniform(in: -1...1) }
            // 1001 points, some outside [0, 1]³ (clamped): whole vector blocks and a scalar tail.
            let points = Tensor(shape: [1001, 3], scalars: generator.uniforms(3003, in: -0.1...1.1))
            let y = encoding(points)
            y.backward(seed: generator.normals(y.count))
            return y.scalars + encoding.params.gradScalars
        }
        let portable = run(portable: true), vector = run(portable: false)
        #expect(portable.count == vector.count && zip(portable, vector).allSatisfy { $0.bitPattern == $1.bitPattern })
    }
}
