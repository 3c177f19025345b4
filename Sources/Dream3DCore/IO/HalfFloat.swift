// HalfFloat.swift — bit-level conversions between Float32 and the two 16-bit float formats that
// checkpoints store: IEEE 754 binary16 ("F16", torch.float16) and bfloat16 ("BF16", torch.bfloat16).
//
// Widening is exact for every input, including subnormals, ±inf and NaN (payload and sign kept).
// Narrowing rounds to nearest, ties to even, as torch's `.half()` and `.bfloat16()` do: values past
// the largest finite half become ±inf, NaN stays NaN. F16 narrowing follows Fabian Giesen's
// float_to_half_fast3_rtne (https://gist.github.com/rygorous/2156668, public domain); BF16 follows
// c10/util/BFloat16.h round_to_nearest_even. Swift's `Float16` would do the F16 work in hardware on
// some machines, but not on all of ours, and the tests use it as the independent reference.

/// The Float32 equal to the binary16 value with bits `h`. Exact for all 65 536 inputs.
@inline(__always)
public func floatFromHalfBits(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = UInt32(h >> 10) & 0x1F
    let mantissa = UInt32(h & 0x03FF)
    switch exponent {
    case 0x1F:                                                   // inf (mantissa 0) or NaN: keep payload
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    case 0:                                                      // zero or subnormal: mantissa · 2^-24,
        let magnitude = Float(mantissa) * 0x1p-24                // exact (≤ 10 bits times a power of two)
        return Float(bitPattern: sign | magnitude.bitPattern)
    default:                                                     // rebias the exponent: 127 − 15 = 112
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}

/// The binary16 bits nearest to `x` (round to nearest, ties to even; overflow to ±inf; NaN to a quiet NaN
/// with the sign of `x`).
@inline(__always)
public func halfBits(from x: Float) -> UInt16 {
    let bits = x.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits & 0x8000_0000) >> 16)
    let magnitude = bits & 0x7FFF_FFFF
    if magnitude >= 0x4780_0000 {                                // |x| ≥ 65536 (or inf/NaN): no half is
        return sign | (magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00)  // nearer than inf; NaN → quiet NaN
    }
    if magnitude < 0x3880_0000 {                                 // |x| < 2^-14: the result is subnormal or 0.
        // Adding 0.5 puts the half's subnormal step (2^-24) at the float's last mantissa bit, so the FPU's
        // own round-to-nearest-even does the rounding; the low bits are then the half's mantissa.
        let shifted = Float(bitPattern: magnitude) + 0.5
        return sign | UInt16(truncatingIfNeeded: shifted.bitPattern - Float(0.5).bitPattern)
    }
    // Normal: rebias the exponent (−112 << 23) and round away the 13 dropped bits: add just under half
    // (0xFFF) plus the kept part's lowest bit, so exact ties go to the even neighbour. A carry out of
    // the mantissa correctly bumps the exponent (65520 → inf).
    let odd = (magnitude >> 13) & 1
    let rounded = magnitude &- (112 << 23) &+ 0xFFF &+ odd
    return sign | UInt16(truncatingIfNeeded: rounded >> 13)
}

/// The Float32 equal to the bfloat16 value with bits `b` (bfloat16 is the top half of a Float32).
@inline(__always)
public func floatFromBFloat16Bits(_ b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
}

/// The bfloat16 bits nearest to `x` (round to nearest, ties to even; NaN to a quiet NaN with its sign).
@inline(__always)
public func bfloat16Bits(from x: Float) -> UInt16 {
    let bits = x.bitPattern
    if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }   // rounding could make it inf
    let roundingBias = 0x7FFF &+ ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
}
