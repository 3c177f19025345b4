// SafetensorsErrorTests.swift — one test per way a safetensors file can be malformed. Each builds the
// bad file by hand in a temporary folder and checks the error's case and that its description names
// the file, states the problem and gives a hint.
import Foundation
import Testing
@testable import Dream3DCore

@Suite struct SafetensorsErrorTests {
    /// Opens `bytes` written to a file and returns the error, recording an issue if none is thrown.
    func openingError(_ bytes: Data, sourceLocation: SourceLocation = #_sourceLocation) throws -> (SafetensorsError, String)? {
        try withTemporaryDirectory { folder -> (SafetensorsError, String)? in
            let url = folder.appendingPathComponent("broken.safetensors")
            try bytes.write(to: url)
            do throws(SafetensorsError) {
                _ = try SafetensorsFile(contentsOf: url)
                Issue.record("opened a malformed file without error", sourceLocation: sourceLocation)
                return nil
            } catch {
                return (error, url.path)
            }
        }
    }

    /// The description names `path`, contains every phrase of `problem`, and ends with a hint line.
    func expectDescription(_ error: SafetensorsError, path: String, mentions problem: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) {
        let text = error.description
        #expect(text.hasPrefix(path + ":"), "does not name the file first: \(text)", sourceLocation: sourceLocation)
        for phrase in problem {
            #expect(text.contains(phrase), "does not mention \"\(phrase)\": \(text)", sourceLocation: sourceLocation)
        }
        #expect(text.split(separator: "\n").last?.hasPrefix("hint: ") == true, "no hint line: \(text)", sourceLocation: sourceLocation)
    }

    /// A header describing one F32 tensor "x" with the given shape and offsets.
    func header(dtype: String = "F32", shape: String = "[2]", offsets: String = "[0,8]") -> String {
        "{\"x\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}}"
    }

    @Test func truncatedBeforeTheHeaderLength() throws {
        let (error, path) = try #require(try openingError(Data([1, 2, 3, 4, 5])))
        guard case .truncated(_, fileSize: 5, needed: 8) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["truncated", "5 bytes", "8"])
    }

    @Test func truncatedInsideTheHeader() throws {
        // The length says 100 header bytes; only the first 20 arrived.
        let bytes = Data(littleEndianBytes(100) + Array(header().utf8.prefix(20)))
        let (error, path) = try #require(try openingError(bytes))
        guard case .truncated(_, fileSize: 28, needed: 108) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["truncated", "28 bytes", "108"])
    }

    @Test func absurdHeaderLength() throws {
        // What a non-safetensors file looks like: "PK\x03\x04…" (a PyTorch zip) read as a u64 is enormous.
        let bytes = Data(Array("PK\u{03}\u{04}\u{14}\u{00}\u{00}\u{00}some zip data".utf8))
        let (error, path) = try #require(try openingError(bytes))
        guard case .badHeaderLength(_, headerLength: 0x0000_0014_0403_4B50, fileSize: bytes.count) = error else {
            Issue.record("wrong case: \(error)"); return
        }
        expectDescription(error, path: path, mentions: ["bad header length 85966670672", "not a safetensors file"])
    }

    @Test(arguments: [
        ("{\"x\": nonsense}", "not valid JSON"),
        ("[1, 2]", "must begin with \"{\""),
        ("{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "tensor \"x\": \"dtype\" must be a string"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":\"2\",\"data_offsets\":[0,8]}}", "tensor \"x\": \"shape\" must be a list"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "non-negative"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "\"data_offsets\" must be [begin, end]"),
        ("{\"x\":{\"dtype\":\"F32\",\"shape\":[true, 2],\"data_offsets\":[0,8]}}", "\"shape\" must be a list"),
        ("{\"x\":[1,2]}", "tensor \"x\": entry must be an object"),
        ("{\"__metadata__\":{\"epoch\":3}}", "\"__metadata__\" value for \"epoch\" must be a string"),
    ])
    func badJSON(header: String, problem: String) throws {
        let (error, path) = try #require(try openingError(handMadeSafetensors(header: header, data: Array(repeating: 0, count: 8))))
        guard case .badJSON = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["bad JSON header", problem])
    }

    @Test func headerThatIsNotUTF8() throws {
        let bytes = Data(littleEndianBytes(4) + [0x7B, 0xFF, 0xFE, 0x7D])      // "{", two invalid bytes, "}"
        let (error, path) = try #require(try openingError(bytes))
        guard case .badJSON = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["not valid UTF-8"])
    }

    @Test func offsetsOutOfRange() throws {
        // A [4] F32 tensor needs bytes 0..<16; the file stops after 8 (as a cut-off download would).
        let bytes = handMadeSafetensors(header: header(shape: "[4]", offsets: "[0,16]"), data: Array(repeating: 0, count: 8))
        let (error, path) = try #require(try openingError(bytes))
        guard case .offsetsOutOfRange(_, tensor: "x", offsets: [0, 16], dataSize: 8) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["tensor \"x\"", "[0, 16]", "8 bytes of data", "truncated"])
    }

    @Test func offsetsThatOverlapOrLeaveAGap() throws {
        // "a" holds bytes 0..<8, "b" claims 4..<12: it overlaps "a" and should begin at 8.
        let overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"
        let (error, path) = try #require(try openingError(handMadeSafetensors(header: overlap, data: Array(repeating: 0, count: 12))))
        guard case .offsetsNotContiguous(_, tensor: "b", offsets: [4, 12], expectedBegin: 8) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["tensor \"b\"", "[4, 12]", "begin at 8"])
        // A lone tensor that starts at 4 leaves bytes 0..<4 unused.
        let gap = handMadeSafetensors(header: header(offsets: "[4,12]"), data: Array(repeating: 0, count: 12))
        let (gapError, _) = try #require(try openingError(gap))
        guard case .offsetsNotContiguous(_, tensor: "x", offsets: [4, 12], expectedBegin: 0) = gapError else { Issue.record("wrong case: \(gapError)"); return }
    }

    @Test func dataThatNoTensorClaims() throws {
        let bytes = handMadeSafetensors(header: header(), data: Array(repeating: 0, count: 12))
        let (error, path) = try #require(try openingError(bytes))
        guard case .unclaimedData(_, claimed: 8, dataSize: 12) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["cover 8 bytes", "holds 12"])
    }

    @Test func unknownDType() throws {
        let bytes = handMadeSafetensors(header: header(dtype: "F33"), data: Array(repeating: 0, count: 8))
        let (error, path) = try #require(try openingError(bytes))
        guard case .unknownDType(_, tensor: "x", dtype: "F33") = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["tensor \"x\"", "unknown dtype \"F33\"", "F32", "F16", "BF16"])
    }

    @Test func shapeThatDoesNotMatchTheByteCount() throws {
        // [3] F32 needs 12 bytes; the offsets give 8.
        let bytes = handMadeSafetensors(header: header(shape: "[3]"), data: Array(repeating: 0, count: 8))
        let (error, path) = try #require(try openingError(bytes))
        guard case .sizeMismatch(_, tensor: "x", dtype: .f32, shape: [3], byteCount: 8) = error else { Issue.record("wrong case: \(error)"); return }
        expectDescription(error, path: path, mentions: ["tensor \"x\"", "8 bytes", "shape [3] of F32", "needs 12"])
    }

    @Test func missingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).safetensors").path
        do throws(SafetensorsError) {
            _ = try SafetensorsFile(contentsOf: URL(fileURLWithPath: path))
            Issue.record("opened a missing file")
        } catch {
            guard case .unreadable = error else { Issue.record("wrong case: \(error)"); return }
            expectDescription(error, path: path, mentions: ["No such file"])
        }
    }

    @Test func dtypeThatDoesNotLoadAsFloat() throws {
        // FP8 is valid safetensors: the file opens, other tensors load, asking for this one fails.
        let header = "{\"f8\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]},\"ok\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}"
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("fp8.safetensors")
            try handMadeSafetensors(header: header, data: [0x38, 0x40, 7, 255]).write(to: url)
            let file = try SafetensorsFile(contentsOf: url)
            #expect(try file["ok"].scalars == [7, 255])
            #expect(throws: SafetensorsError.self) { try file.tensor("f8") }
            do throws(SafetensorsError) { _ = try file.tensor("f8") } catch {
                guard case .unsupportedDType(_, tensor: "f8", dtype: .f8E4M3) = error else { Issue.record("wrong case: \(error)"); return }
                expectDescription(error, path: url.path, mentions: ["F8_E4M3", "does not load", "F32, F16, BF16"])
            }
        }
    }

    @Test func missingTensorNamesTheClosestOnes() throws {
        try withTemporaryDirectory { folder in
            let url = folder.appendingPathComponent("unet.safetensors")
            let tensors = ["conv_in.bias", "conv_in.weight", "conv_out.weight", "time_embedding.linear_1.weight"]
            try writeSafetensors(Dictionary(uniqueKeysWithValues: tensors.map { ($0, Tensor(1)) }), to: url)
            let file = try SafetensorsFile(contentsOf: url)
            do throws(SafetensorsError) {
                _ = try file.tensor("conv_in.weights")
                Issue.record("found a tensor that is not there")
            } catch {
                guard case let .missingTensor(_, name: "conv_in.weights", available) = error else { Issue.record("wrong case: \(error)"); return }
                #expect(available.first == "conv_in.weight")
                expectDescription(error, path: url.path, mentions: ["no tensor named \"conv_in.weights\"", "4 tensors", "\"conv_in.weight\""])
            }
        }
    }
}
