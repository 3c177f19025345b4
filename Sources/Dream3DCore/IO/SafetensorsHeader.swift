// SafetensorsHeader.swift — parses and validates the header of a safetensors file.
//
// Format (huggingface/safetensors README and safetensors/src/tensor.rs): 8 bytes little-endian u64 N,
// then N bytes of UTF-8 JSON — an object whose "__metadata__" key (optional) maps strings to strings
// and whose every other key is a tensor {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]},
// offsets counted from the first byte after the header — then the data, little-endian, row-major.
// The header may be padded with trailing spaces (the reference pads it to a multiple of 8).
//
// Validation matches the reference's read_metadata + Metadata::validate: N at most 100 000 000, the
// tensors sorted by offsets must tile the data region exactly (each begins where the previous ends,
// the last ends at the end of the file), and each range holds product(shape) × dtype-size bytes.
// Differs: the header must begin with "{" (the reference plans this check for its 0.4), and an unknown
// dtype is reported by name instead of as a JSON error.
import Foundation

/// Where one tensor lives in a safetensors file and how its elements are stored.
public struct SafetensorsEntry: Sendable, Equatable {
    /// Element type as stored (loading converts it to Float32).
    public let dtype: SafetensorsDType
    /// Extent of each axis, outermost first; [] is a scalar.
    public let shape: [Int]
    /// Byte range of the data, relative to the first byte after the header.
    public let byteRange: Range<Int>
}

/// The parsed, validated header of a safetensors file.
struct SafetensorsHeader {
    /// The reference implementation's MAX_HEADER_SIZE.
    static let maxHeaderLength: UInt64 = 100_000_000

    var metadata: [String: String]
    var entries: [String: SafetensorsEntry]
    /// Offset of the data region from the start of the file: 8 + N.
    var dataStart: Int

    /// Parses the header of `file` (the whole file's bytes) and checks it against the file's size.
    /// `path` only names the file in errors.
    init(parsing file: UnsafeRawBufferPointer, path: String) throws(SafetensorsError) {
        guard file.count >= 8 else { throw .truncated(path: path, fileSize: file.count, needed: 8) }
        let length = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard length >= 2, length <= Self.maxHeaderLength else {
            throw .badHeaderLength(path: path, headerLength: length, fileSize: file.count)
        }
        let headerEnd = 8 + Int(length)
        guard headerEnd <= file.count else { throw .truncated(path: path, fileSize: file.count, needed: headerEnd) }
        let json = UnsafeRawBufferPointer(rebasing: file[8..<headerEnd])
        guard String(validating: json, as: UTF8.self) != nil else {
            throw .badJSON(path: path, problem: "the header is not valid UTF-8")
        }
        guard json.first == UInt8(ascii: "{") else {
            throw .badJSON(path: path, problem: "the header must begin with \"{\", found byte 0x\(String(json[0], radix: 16))")
        }
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw .badJSON(path: path, problem: "not valid JSON (\(detail))")
        }
        guard let object = parsed as? [String: Any] else {
            throw .badJSON(path: path, problem: "the header is not a JSON object")
        }
        metadata = try Self.metadata(object["__metadata__"], path: path)
        dataStart = headerEnd
        entries = try Self.validatedEntries(object, dataSize: file.count - headerEnd, path: path)
    }

    /// The "__metadata__" object: absent or null means none; otherwise every value must be a string.
    private static func metadata(_ value: Any?, path: String) throws(SafetensorsError) -> [String: String] {
        guard let value, !(value is NSNull) else { return [:] }
        guard let object = value as? [String: Any] else {
            throw .badJSON(path: path, problem: "\"__metadata__\" must be an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw .badJSON(path: path, problem: "\"__metadata__\" value for \"\(key)\" must be a string, got \(value)")
            }
            metadata[key] = string
        }
        return metadata
    }

    /// Every key but "__metadata__" as a tensor entry, checked to tile the data region exactly.
    private static func validatedEntries(_ object: [String: Any], dataSize: Int,
                                         path: String) throws(SafetensorsError) -> [String: SafetensorsEntry] {
        // Decode every entry first, so a malformed entry is reported as such rather than as a bad offset.
        var raw: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in object where name != "__metadata__" {
            func problem(_ text: String) -> SafetensorsError { .badJSON(path: path, problem: "tensor \"\(name)\": \(text)") }
            guard let entry = value as? [String: Any] else { throw problem("entry must be an object, got \(value)") }
            guard let dtype = entry["dtype"] as? String else { throw problem("\"dtype\" must be a string") }
            guard let shape = naturals(entry["shape"]) else {
                throw problem("\"shape\" must be a list of non-negative integers, got \(entry["shape"] ?? "nothing")")
            }
            guard let offsets = naturals(entry["data_offsets"]), offsets.count == 2 else {
                throw problem("\"data_offsets\" must be [begin, end], two non-negative integers, got \(entry["data_offsets"] ?? "nothing")")
            }
            raw.append((name, dtype, shape, offsets[0], offsets[1]))
        }
        // The reference's validate(): walk in offset order, each tensor starting where the last ended.
        raw.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var entries: [String: SafetensorsEntry] = [:]
        var expectedBegin = 0
        for t in raw {
            guard let dtype = SafetensorsDType(rawValue: t.dtype) else {
                throw .unknownDType(path: path, tensor: t.name, dtype: t.dtype)
            }
            guard t.begin == expectedBegin, t.end >= t.begin else {
                throw .offsetsNotContiguous(path: path, tensor: t.name, offsets: [t.begin, t.end], expectedBegin: expectedBegin)
            }
            let bits = elementCount(t.shape)?.multipliedReportingOverflow(by: dtype.bitWidth)
            guard let bits, !bits.overflow, bits.partialValue % 8 == 0, bits.partialValue / 8 == t.end - t.begin else {
                throw .sizeMismatch(path: path, tensor: t.name, dtype: dtype, shape: t.shape, byteCount: t.end - t.begin)
            }
            guard t.end <= dataSize else {
                throw .offsetsOutOfRange(path: path, tensor: t.name, offsets: [t.begin, t.end], dataSize: dataSize)
            }
            entries[t.name] = SafetensorsEntry(dtype: dtype, shape: t.shape, byteRange: t.begin..<t.end)
            expectedBegin = t.end
        }
        guard expectedBegin == dataSize else { throw .unclaimedData(path: path, claimed: expectedBegin, dataSize: dataSize) }
        return entries
    }

    /// A JSON array of non-negative integers. JSON true and false are excluded: Foundation bridges them
    /// (and numbers 0 and 1, so `is Bool` cannot tell) to NSNumber; they are its two boolean singletons.
    private static func naturals(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let number = element as? NSNumber, number !== (true as NSNumber), number !== (false as NSNumber),
                  let n = element as? Int, n >= 0 else { return nil }
            result.append(n)
        }
        return result
    }
}

/// product(shape), or nil when it overflows Int.
func elementCount(_ shape: [Int]) -> Int? {
    var count = 1
    for extent in shape {
        let (product, overflow) = count.multipliedReportingOverflow(by: extent)
        if overflow { return nil }
        count = product
    }
    return count
}
