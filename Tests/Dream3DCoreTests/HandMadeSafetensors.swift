// HandMadeSafetensors.swift — building safetensors files byte by byte, so reader tests do not depend
// on our writer (format: 8-byte little-endian header length, the JSON header, then the data).
import Foundation

/// The 8 little-endian bytes of `value`.
func littleEndianBytes(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}

/// A safetensors file made by hand: the header's length, `header` verbatim (no padding added), then `data`.
func handMadeSafetensors(header: String, data: [UInt8]) -> Data {
    Data(littleEndianBytes(UInt64(header.utf8.count)) + Array(header.utf8) + data)
}
