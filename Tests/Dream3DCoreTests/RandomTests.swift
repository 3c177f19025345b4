// The seeded generator: known answers for Philox, reproducibility, save/restore and splitting.
import Foundation
import Testing
@testable import Dream3DCore

@Suite struct RandomTests {
    @Test func philoxMatchesTheRandom123KnownAnswers() {
        // Known-answer vectors of Philox4x32-10 from Random123's kat_vectors (Salmon et al. 2011).
        let zero = philox4x32((0, 0, 0, 0), key: (0, 0))
        #expect([zero.0, zero.1, zero.2, zero.3] == [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8])
        let ones = philox4x32((.max, .max, .max, .max), key: (.max, .max))
        #expect([ones.0, ones.1, ones.2, ones.3] == [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd])
        let pi = philox4x32((0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), key: (0xa409_3822, 0x299f_31d0))
        #expect([pi.0, pi.1, pi.2, pi.3] == [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1])
    }

    @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let x = (0..<100).map { _ in a.next() }, y = (0..<100).map { _ in b.next() }, z = (0..<100).map { _ in c.next() }
        #expect(x == y)
        #expect(x != z)
        #expect(a.normals(1001) == b.normals(1001))
    }

    @Test func savedStateResumesTheSameStream() throws {
        var generator = SeededGenerator(seed: 7).split("noise")
        _ = generator.normals(37)
        let saved = try JSONEncoder().encode(generator)
        let expected = generator.uniforms(50) + [generator.normal(), generator.uniform()]
        var restored = try JSONDecoder().decode(SeededGenerator.self, from: saved)
        let resumed = restored.uniforms(50) + [restored.normal(), restored.uniform()]
        #expect(resumed == expected)
        #expect(restored == generator)
    }

    @Test func splitStreamsAreIndependentAndStable() {
        let root = SeededGenerator(seed: 3)
        var cameras = root.split("cameras"), noise = root.split("noise"), camerasAgain = SeededGenerator(seed: 3).split("cameras")
        let c = cameras.uniforms(64), n = noise.uniforms(64)
        #expect(c == camerasAgain.uniforms(64))
        #expect(c != n)
        var advanced = root
        _ = advanced.next()
        #expect(advanced.split("cameras") == root.split("cameras"))   // splitting ignores the position
    }

    @Test func parallelFillEqualsTheSameDrawsInPieces() {
        // 40 000 normals in one parallel call = the same stream drawn as two calls (sizes multiple of 4).
        var whole = SeededGenerator(seed: 9), pieces = whole
        let all = whole.normals(40_000)
        let split = pieces.normals(12_000) + pieces.normals(28_000)
        #expect(all == split)
        #expect(whole == pieces)
    }

    @Test func distributionsHaveTheirMoments() {
        var generator = SeededGenerator(seed: 11)
        let n = generator.normals(200_000).map(Double.init)
        let mean = n.reduce(0, +) / Double(n.count), variance = n.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n.count)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.01)   // standard errors: 0.0022 and 0.0032
        let u = generator.uniforms(200_000, in: -2...6)
        #expect(u.allSatisfy { $0 >= -2 && $0 < 6 })
        #expect(abs(u.reduce(0, +) / Float(u.count) - 2) < 0.03)
    }
}
