// SafetensorsFile.swift — reads tensors from a safetensors file as Float32 `Tensor`s.
//
// The file is mapped, its header parsed and validated once (SafetensorsHeader.swift), and each tensor
// is converted only when asked for: F32 is copied, F16 and BF16 widen exactly (DESIGN.md §6: Float32
// compute, 16-bit weights widen on load). Names are the checkpoint's keys, verbatim (STYLE.md §2).
// Matches safetensors.safe_open(path, framework="pt").get_tensor(name) followed by .float().
import Foundation

/// An opened, validated safetensors file. Tensors are read from the mapped file on request.
public struct SafetensorsFile: Sendable {
    /// The file this was read from.
    public let url: URL
    /// The header's "__metadata__" (empty if absent), e.g. ["format": "pt"].
    public let metadata: [String: String]
    /// Every tensor's dtype, shape and byte range, by name.
    public let entries: [String: SafetensorsEntry]
    /// The tensor names, sorted.
    public let names: [String]

    private let storage: MappedFile
    private let dataStart: Int

    /// Opens `url` and validates its header against the file's size; reads no tensor data yet.
    public init(contentsOf url: URL) throws(SafetensorsError) {
        let path = url.path
        do {
            storage = try MappedFile(path: path)
        } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        let header = try SafetensorsHeader(parsing: storage.bytes, path: path)
        self.url = url
        metadata = header.metadata
        entries = header.entries
        names = header.entries.keys.sorted()
        dataStart = header.dataStart
    }

    /// Whether the file holds a tensor called `name`.
    public func contains(_ name: String) -> Bool { entries[name] != nil }
    /// The stored shape of `name`, nil if there is no such tensor.
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }
    /// The stored element type of `name`, nil if there is no such tensor.
    public func dtype(of name: String) -> SafetensorsDType? { entries[name]?.dtype }

    /// The tensor `name` as Float32, with its stored shape and `name` as its name. Throws
    /// `.missingTensor` (with the closest names) or `.unsupportedDType`.
    public func tensor(_ name: String) throws(SafetensorsError) -> Tensor {
        guard let entry = entries[name] else {
            throw .missingTensor(path: url.path, name: name, available: closestNames(to: name))
        }
        guard entry.dtype.convertsToFloat else { throw .unsupportedDType(path: url.path, tensor: name, dtype: entry.dtype) }
        let tensor = Tensor(shape: entry.shape, scalars: floats(entry))
        tensor.name = name
        return tensor
    }

    /// `try file["unet.conv_in.weight"]`: the same as `tensor(_:)`.
    public subscript(name: String) -> Tensor {
        get throws(SafetensorsError) { try tensor(name) }
    }

    /// Converts one validated entry's bytes to Float32, in parallel for large tensors (the work is
    /// memory-bound; chunks are independent, so the result does not depend on the split).
    private func floats(_ entry: SafetensorsEntry) -> [Float] {
        let count = elementCount(entry.shape)!            // validated: no overflow, bytes match the range
        guard count > 0, let base = storage.bytes.baseAddress else { return [] }
        defer { withExtendedLifetime(storage) {} }        // the mapping must outlive the raw pointer
        let source = base + dataStart + entry.byteRange.lowerBound
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = buffer.baseAddress!
            func convert<Stored>(_: Stored.Type, _ widen: (Stored) -> Float) {
                // Offsets need not be aligned (the reference aligns, other writers may not): load unaligned.
                parallelChunks(count, minChunk: 1 << 16) { range in
                    for i in range { out[i] = widen(source.loadUnaligned(fromByteOffset: i * MemoryLayout<Stored>.stride, as: Stored.self)) }
                }
            }
            switch entry.dtype {
            case .f32:
                #if _endian(little)
                UnsafeMutableRawPointer(out).copyMemory(from: source, byteCount: count * 4)
                #else
                convert(UInt32.self) { Float(bitPattern: UInt32(littleEndian: $0)) }
                #endif
            case .f16: convert(UInt16.self) { floatFromHalfBits(UInt16(littleEndian: $0)) }
            case .bf16: convert(UInt16.self) { floatFromBFloat16Bits(UInt16(littleEndian: $0)) }
            case .f64: convert(UInt64.self) { Float(Double(bitPattern: UInt64(littleEndian: $0))) }
            case .bool: convert(UInt8.self) { $0 == 0 ? 0 : 1 }
            case .u8: convert(UInt8.self) { Float($0) }
            case .i8: convert(Int8.self) { Float($0) }
            case .u16: convert(UInt16.self) { Float(UInt16(littleEndian: $0)) }
            case .i16: convert(Int16.self) { Float(Int16(littleEndian: $0)) }
            case .u32: convert(UInt32.self) { Float(UInt32(littleEndian: $0)) }
            case .i32: convert(Int32.self) { Float(Int32(littleEndian: $0)) }
            case .u64: convert(UInt64.self) { Float(UInt64(littleEndian: $0)) }
            case .i64: convert(Int64.self) { Float(Int64(littleEndian: $0)) }
            case .f4, .f6E2M3, .f6E3M2, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ, .c64:
                preconditionFailure("\(entry.dtype.rawValue) reached conversion; tensor(_:) refuses it")
            }
            initialized = count
        }
    }

    /// The file's names ordered by how long a prefix they share with `name`, for "did you mean".
    private func closestNames(to name: String) -> [String] {
        func shared(_ other: String) -> Int { zip(name, other).prefix { $0 == $1 }.count }
        return names.map { ($0, shared($0)) }.sorted { ($1.1, $0.0) < ($0.1, $1.0) }.map(\.0)
    }
}
