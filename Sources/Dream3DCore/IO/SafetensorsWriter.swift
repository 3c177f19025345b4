// SafetensorsWriter.swift — writes Float32 tensors to a safetensors file, stored as F32, F16 or BF16.
//
// Byte for byte what the reference writes (huggingface/safetensors, safetensors/src/tensor.rs:
// prepare + serialize) for tensors of one dtype: compact JSON with "__metadata__" first (omitted when
// empty), then the tensors by name, each as {"dtype","shape","data_offsets"} in that key order, the
// header padded with spaces to a multiple of 8 so the data starts aligned, and the data back to back.
// Differs: the reference writes metadata keys in hash-map order; we sort them, so the same tensors
// always give the same bytes (DESIGN.md §6). Narrowing rounds to nearest even (HalfFloat.swift).
import Foundation

/// Writes `tensors` under their dictionary keys to `url`, atomically (AtomicWrite.swift).
///
/// - Parameters:
///   - metadata: the header's "__metadata__", e.g. ["format": "pt"] as diffusers writes.
///   - dtype: the stored element type: `.f32` (exact), `.f16` or `.bf16` (rounded to nearest even).
/// Preconditions (our bugs, not the user's): `dtype.isWritable`; no name is empty or "__metadata__".
public func writeSafetensors(_ tensors: [String: Tensor], metadata: [String: String] = [:],
                             dtype: SafetensorsDType = .f32, to url: URL) throws(FileWriteError) {
    try writeAtomically(safetensorsBytes(tensors, metadata: metadata, dtype: dtype), to: url)
}

/// The complete file `writeSafetensors` writes, as bytes.
func safetensorsBytes(_ tensors: [String: Tensor], metadata: [String: String], dtype: SafetensorsDType) -> Data {
    precondition(dtype.isWritable, "safetensors writer stores F32, F16 or BF16, not \(dtype.rawValue)")
    let names = tensors.keys.sorted()
    for name in names {
        precondition(!name.isEmpty && name != "__metadata__", "tensor name \"\(name)\" is reserved or empty")
    }
    let elementSize = dtype.bitWidth / 8

    // Header: serde_json's compact form of the reference's Metadata.
    var fields: [String] = []
    if !metadata.isEmpty {
        let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
        fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for name in names {
        let tensor = tensors[name]!
        let end = offset + tensor.count * elementSize
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        fields.append("\(jsonString(name)):{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
        offset = end
    }
    var header = Array("{\(fields.joined(separator: ","))}".utf8)
    header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

    // One buffer of the final size, filled in place: no per-tensor copies, so writing a checkpoint
    // needs its file size in memory once, not three times.
    let headerEnd = 8 + header.count
    var data = Data(count: headerEnd + offset)
    data.withUnsafeMutableBytes { (file: UnsafeMutableRawBufferPointer) in
        file.storeBytes(of: UInt64(header.count).littleEndian, as: UInt64.self)
        header.withUnsafeBytes { file.baseAddress!.advanced(by: 8).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var position = headerEnd
        for name in names {
            let tensor = tensors[name]!
            let out = file.baseAddress!.advanced(by: position)
            tensor.scalars.withUnsafeBufferPointer { scalars in
                switch dtype {
                case .f32: store(scalars, to: out) { $0.bitPattern }
                case .f16: store(scalars, to: out) { halfBits(from: $0) }
                case .bf16: store(scalars, to: out) { bfloat16Bits(from: $0) }
                default: preconditionFailure("unreachable: checked isWritable")
                }
            }
            position += tensor.count * elementSize
        }
        precondition(position == file.count, "wrote \(position) bytes, header promises \(file.count)")
    }
    return data
}

/// Stores `narrow(x)` for every scalar, little-endian, back to back from `out` (unaligned is fine);
/// in parallel for large tensors, each element independent so the bytes do not depend on the split.
private func store<Word: FixedWidthInteger>(_ scalars: UnsafeBufferPointer<Float>, to out: UnsafeMutableRawPointer,
                                            _ narrow: (Float) -> Word) {
    parallelChunks(scalars.count, minChunk: 1 << 16) { range in
        for i in range {
            out.storeBytes(of: narrow(scalars[i]).littleEndian, toByteOffset: i * MemoryLayout<Word>.size, as: Word.self)
        }
    }
}

/// `s` as a JSON string literal, escaped as serde_json does: `"` and `\` backslashed, \b \f \n \r \t
/// short, other control characters as \u00xx; everything else, non-ASCII included, verbatim.
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{00}"..."\u{1F}":
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
