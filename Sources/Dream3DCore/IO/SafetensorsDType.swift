// SafetensorsDType.swift — the element types a safetensors header may name, with their sizes.
//
// The list is the `Dtype` enum of the reference implementation (huggingface/safetensors,
// safetensors/src/tensor.rs), including its sub-byte and FP8 types, so that any file the reference
// accepts passes our validation too. Which of them load as Float32 is `convertsToFloat`: a file
// with, say, an F8_E4M3 tensor still opens, and only asking for that tensor fails.

/// An element type named in a safetensors header ("F32", "BF16", …).
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case bool = "BOOL"
    case u8 = "U8", i8 = "I8", u16 = "U16", i16 = "I16", u32 = "U32", i32 = "I32", u64 = "U64", i64 = "I64"
    case f4 = "F4", f6E2M3 = "F6_E2M3", f6E3M2 = "F6_E3M2"
    case f8E5M2 = "F8_E5M2", f8E4M3 = "F8_E4M3", f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ", f8E5M2FNUZ = "F8_E5M2FNUZ"
    case f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64"
    case c64 = "C64"

    /// Bits per element (4 and 6 for the packed micro-scaling types, whole bytes otherwise).
    public var bitWidth: Int {
        switch self {
        case .f4: 4
        case .f6E2M3, .f6E3M2: 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: 8
        case .u16, .i16, .f16, .bf16: 16
        case .u32, .i32, .f32: 32
        case .u64, .i64, .f64, .c64: 64
        }
    }

    /// Whether `SafetensorsFile.tensor(_:)` can load this type as Float32. Floats widen exactly
    /// (F64 rounds to nearest); integers and BOOL convert exactly up to 2^24 in magnitude and round
    /// beyond (position ids and masks are the integer tensors checkpoints carry). FP8, sub-byte and
    /// complex types are refused: nothing in dream3d reads them, and a guess would be silent garbage.
    public var convertsToFloat: Bool {
        switch self {
        case .f32, .f16, .bf16, .f64, .bool, .u8, .i8, .u16, .i16, .u32, .i32, .u64, .i64: true
        case .f4, .f6E2M3, .f6E3M2, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ, .c64: false
        }
    }

    /// Whether `writeSafetensors` can store Float32 tensors as this type (F32, F16, BF16).
    public var isWritable: Bool { self == .f32 || self == .f16 || self == .bf16 }

    /// The header names of the types that load as Float32, floats first, for error messages.
    static var loadableNames: String {
        let floats: [SafetensorsDType] = [.f32, .f16, .bf16, .f64]
        let integers = allCases.filter { $0.convertsToFloat && !floats.contains($0) }
        return (floats + integers).map(\.rawValue).joined(separator: ", ")
    }
}
