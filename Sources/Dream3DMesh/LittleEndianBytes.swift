// LittleEndianBytes.swift — building and reading the binary formats (PLY, GLB) byte by byte in little
// endian, whatever the host's byte order. SIMD3<Float> is 16 bytes in memory, so its arrays can't be
// copied into a file as they are anyway.

/// A growing byte array with little-endian appends.
struct LittleEndianWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ value: UInt8) { bytes.append(value) }
    mutating func append(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }
    mutating func append(_ value: Float) { append(value.bitPattern) }
    mutating func append(_ v: SIMD3<Float>) { append(v.x); append(v.y); append(v.z) }
    mutating func append(_ text: String) { bytes += Array(text.utf8) }
}

/// Reads little-endian values from a byte array; nil once past the end.
struct LittleEndianReader {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    mutating func uint8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func uint32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
    mutating func float() -> Float? { uint32().map(Float.init(bitPattern:)) }
}
