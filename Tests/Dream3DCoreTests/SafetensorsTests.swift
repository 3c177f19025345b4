// SafetensorsTests.swift — reading and writing safetensors: round trips for each stored dtype, metadata,
// deterministic bytes, the reference implementation's own byte-exact test vectors, and files built by
// hand byte by byte, so the reader is never tested only against our writer.
import Foundation
import Testing
@testable import Dream3DCore

@Suite struct SafetensorsTests {
    /// Writes `tensors` as `dtype`, reads them back, and checks names, shapes and the tensor's `name`.
    func roundTrip(_ tensors: [String: Tensor], dtype: SafetensorsDType) throws -> [String: Tensor] {
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("weights.safetensors")
            try writeSafetensors(tensors, dtype: dtype, to: url)
            let file = try SafetensorsFile(contentsOf: url)
            #expect(file.names == tensors.keys.sorted())
            var result: [String: Tensor] = [:]
            for name in file.names {
                #expect(file.dtype(of: name) == dtype)
                #expect(file.shape(of: name) == tensors[name]!.shape)
                let tensor = try file.tensor(name)
                #expect(tensor.name == name)
                #expect(tensor.shape == tensors[name]!.shape)
                result[name] = tensor
            }
            return result
        }
    }

    @Test func f32RoundTripIsBitExact() throws {
        // Edge values included: −0, the smallest subnormal, the largest finite, ±inf and NaN.
        let values: [Float] = [0, -0.0, 1, -2.5, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .infinity, -.infinity,
                               .nan, 0.1, 1e-30, 123_456.789]
        let tensors = ["a.weight": Tensor(shape: [3, 4], scalars: values), "scalar": Tensor(7),
                       "empty": Tensor(shape: [0, 5], scalars: [])]
        let back = try roundTrip(tensors, dtype: .f32)
        for (name, tensor) in tensors {
            #expect(back[name]!.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern), "\(name)")
        }
    }

    @Test func f16RoundTripIsExactWhereRepresentableAndRoundsElsewhere() throws {
        // Exactly representable in binary16: small integers, 1 + 2^-10 (one ulp above 1), the largest
        // finite 65504, the smallest normal 2^-14 and the smallest subnormal 2^-24, ±0 and ±inf.
        let exact: [Float] = [0, -0.0, 1, -2, 0.5, 1 + 0x1p-10, 65504, -65504, 0x1p-14, 0x1p-24, 3 * 0x1p-24, .infinity, -.infinity]
        // Rounded: 70000 and 65520 (the tie between 65504 and 2^16) overflow to inf; 65519 goes down to
        // 65504; 2^-25 ties between 0 and 2^-24 and goes to the even 0; 0.75·2^-24 rounds up to 2^-24.
        let rounded: [(Float, Float)] = [(70000, .infinity), (65520, .infinity), (65519, 65504), (-1e6, -.infinity),
                                         (0x1p-25, 0), (0.75 * 0x1p-24, 0x1p-24), (1 + 0x1p-11, 1), (1 + 3 * 0x1p-11, 1 + 2 * 0x1p-10)]
        var rng = SeededGenerator(seed: 1)
        let random = (0..<1000).map { _ in Float.random(in: -10...10, using: &rng) }
        let tensors = ["exact": Tensor(shape: [exact.count], scalars: exact),
                       "rounded": Tensor(shape: [rounded.count], scalars: rounded.map(\.0)),
                       "random": Tensor(shape: [10, 100], scalars: random),
                       "nan": Tensor(shape: [2], scalars: [.nan, -.nan])]
        let back = try roundTrip(tensors, dtype: .f16)
        #expect(back["exact"]!.scalars.map(\.bitPattern) == exact.map(\.bitPattern))
        #expect(back["rounded"]!.scalars == rounded.map(\.1))
        for (x, y) in zip(random, back["random"]!.scalars) {
            #expect(abs(x - y) <= abs(x) * 0x1p-11 + 0x1p-25, "F16 rounding of \(x) gave \(y): more than half an ulp")
        }
        let nans = back["nan"]!.scalars
        #expect(nans[0].isNaN && nans[1].isNaN && nans[0].sign == .plus && nans[1].sign == .minus)
    }

    @Test func bf16RoundTripIsExactWhereRepresentableAndRoundsToNearestEven() throws {
        // bfloat16 keeps 8 significant bits: 1 + 2^-7 is one ulp above 1; 3e38-ish values keep their range.
        let exact: [Float] = [0, -0.0, 1, -2.5, 1 + 0x1p-7, 0x1p-126, 0x1p-133, 0x1p127 * 1.5, .infinity, -.infinity]
        // 1 + 2^-8 ties between 1 and 1 + 2^-7 → the even 1; 1 + 3·2^-8 ties between 1 + 2^-7 (odd) and
        // 1 + 2^-6 (even) → 1 + 2^-6; a hair above the tie rounds up.
        let rounded: [(Float, Float)] = [(1 + 0x1p-8, 1), (1 + 3 * 0x1p-8, 1 + 0x1p-6), (1 + 0x1p-8 + 0x1p-20, 1 + 0x1p-7),
                                         (-(1 + 0x1p-8 + 0x1p-20), -(1 + 0x1p-7)), (.greatestFiniteMagnitude, .infinity)]
        var rng = SeededGenerator(seed: 2)
        let random = (0..<1000).map { _ in Float.random(in: -1000...1000, using: &rng) }
        let tensors = ["exact": Tensor(shape: [exact.count], scalars: exact),
                       "rounded": Tensor(shape: [rounded.count], scalars: rounded.map(\.0)),
                       "random": Tensor(shape: [1000], scalars: random), "nan": Tensor(.nan)]
        let back = try roundTrip(tensors, dtype: .bf16)
        #expect(back["exact"]!.scalars.map(\.bitPattern) == exact.map(\.bitPattern))
        #expect(back["rounded"]!.scalars == rounded.map(\.1))
        for (x, y) in zip(random, back["random"]!.scalars) {
            #expect(abs(x - y) <= abs(x) * 0x1p-8, "BF16 rounding of \(x) gave \(y): more than half an ulp")
        }
        #expect(back["nan"]!.item.isNaN)
    }

    @Test func metadataRoundTripsWithCharactersJSONMustEscape() throws {
        let metadata = ["format": "pt", "prompt": "a \"teddy\" bear\\n\n\ttab \u{01} café ☃", "": "empty key"]
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("m.safetensors")
            try writeSafetensors(["x": Tensor(1)], metadata: metadata, to: url)
            #expect(try SafetensorsFile(contentsOf: url).metadata == metadata)
            try writeSafetensors(["x": Tensor(1)], to: url)       // no metadata: the key is omitted, reads as empty
            #expect(try SafetensorsFile(contentsOf: url).metadata == [:])
        }
    }

    @Test func writingTheSameTensorsTwiceGivesIdenticalBytes() throws {
        // Dictionaries built in opposite insertion orders: the bytes may depend on nothing but the content.
        let names = (0..<20).map { "layer\($0).weight" }
        var first: [String: Tensor] = [:], second: [String: Tensor] = [:]
        for (i, name) in names.enumerated() { first[name] = Tensor(shape: [2, i + 1], scalars: (0..<2 * (i + 1)).map { Float($0) / 3 }) }
        for name in names.reversed() { second[name] = first[name]!.detached() }
        let metadata = (0..<10).reduce(into: [String: String]()) { $0["key\($1)"] = "value\($1)" }
        try withTemporaryDirectory { folder in
            for dtype in [SafetensorsDType.f32, .f16, .bf16] {
                let a = folder.appendingPathComponent("a.safetensors"), b = folder.appendingPathComponent("b.safetensors")
                try writeSafetensors(first, metadata: metadata, dtype: dtype, to: a)
                try writeSafetensors(second, metadata: metadata, dtype: dtype, to: b)
                #expect(try Data(contentsOf: a) == Data(contentsOf: b), "\(dtype)")
            }
            // Nothing but the two files: the atomic writer left no temporary files behind.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a.safetensors", "b.safetensors"])
        }
    }

    @Test func writerMatchesTheReferenceImplementationsTestVectors() {
        // huggingface/safetensors, safetensors/src/tensor.rs, test_serialization_forced_alignement:
        // "attn0" F32 [1,1,2,3] = 0…5 serialises to these 96 bytes (header 65 bytes + 7 spaces = 72).
        let attn0 = Tensor(shape: [1, 1, 2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let expected: [UInt8] = [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]
        #expect(Array(safetensorsBytes(["attn0": attn0], metadata: [:], dtype: .f32)) == expected)
        // Same file, test_empty: no tensors, metadata {"framework": "pt"}: 35 bytes of JSON + 5 spaces.
        let empty: [UInt8] = [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32]
        #expect(Array(safetensorsBytes([:], metadata: ["framework": "pt"], dtype: .f32)) == empty)
    }

    @Test func readsAFileBuiltByHand() throws {
        // Unpadded header (so the data starts unaligned), "__metadata__" last, keys in no particular
        // order, and one tensor of each loadable kind that checkpoints carry. Data, in offset order:
        //   w   F32  [2]  1.5, −2           → 00 00 c0 3f, 00 00 00 c0
        //   h   F16  [2]  1.0, −2.0         → 3c00, c000 (little-endian: 00 3c, 00 c0)
        //   b   BF16 [1]  1.5               → 3fc0 (c0 3f)
        //   ids I64  [1,3] 0, 1, 2          → 8 bytes each
        //   d   F64  [1]  0.1               → 3fb999999999999a, rounds to Float(0.1)
        let header = """
            {"h":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"w":{"shape":[2],"dtype":"F32","data_offsets":[0,8]},\
            "ids":{"dtype":"I64","shape":[1,3],"data_offsets":[14,38]},"b":{"dtype":"BF16","shape":[],"data_offsets":[12,14]},\
            "d":{"dtype":"F64","shape":[1],"data_offsets":[38,46]},"__metadata__":{"format":"pt"}}
            """
        let data: [UInt8] = [0x00, 0x00, 0xC0, 0x3F, 0x00, 0x00, 0x00, 0xC0, 0x00, 0x3C, 0x00, 0xC0, 0xC0, 0x3F]
            + littleEndianBytes(0) + littleEndianBytes(1) + littleEndianBytes(2) + littleEndianBytes(0x3FB9_9999_9999_999A)
        for padding in ["", "   "] {                    // the reference pads with spaces; both must read
            try withTemporaryDirectory { folder in
                let url = folder.appendingPathComponent("hand.safetensors")
                try handMadeSafetensors(header: header + padding, data: data).write(to: url)
                let file = try SafetensorsFile(contentsOf: url)
                #expect(file.names == ["b", "d", "h", "ids", "w"])
                #expect(file.metadata == ["format": "pt"])
                #expect(file.dtype(of: "h") == .f16 && file.shape(of: "ids") == [1, 3])
                #expect(try file["w"].scalars == [1.5, -2])
                #expect(try file["h"].scalars == [1, -2])
                #expect(try file["b"].shape == [] && file["b"].scalars == [1.5])
                #expect(try file["ids"].scalars == [0, 1, 2])
                #expect(try file["d"].scalars == [0.1])
            }
        }
    }

    @Test func readsALargeF16FileCorrectly() throws {
        // Past the parallel conversion threshold (2^16 elements), so chunk boundaries are exercised:
        // every value k/64 for k < 2^11 is exact in F16, so the file must read back exactly.
        let count = 300_001
        let values = (0..<count).map { Float($0 % 2048) / 64 }
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("big.safetensors")
            try writeSafetensors(["big": Tensor(shape: [count], scalars: values)], dtype: .f16, to: url)
            #expect(try SafetensorsFile(contentsOf: url)["big"].scalars == values)
        }
    }
}
