// SafetensorsHalfFloatTests.swift — the F16 and BF16 conversions safetensors loading and saving use
// (HalfFloat.swift), against independent references: Swift's own `Float16` (compiler-rt's IEEE
// conversions) for binary16, and a slow nearest-neighbour search in Double for bfloat16.
import Testing
@testable import Dream3DCore

@Suite struct SafetensorsHalfFloatTests {
    @Test func f16WideningMatchesFloat16ForAllBitPatterns() {
        for bits in 0...UInt16.max {
            let ours = floatFromHalfBits(bits), reference = Float(Float16(bitPattern: bits))
            if reference.isNaN {
                #expect(ours.isNaN && ours.sign == reference.sign, "half 0x\(String(bits, radix: 16))")
            } else {
                #expect(ours.bitPattern == reference.bitPattern, "half 0x\(String(bits, radix: 16)): \(ours) vs \(reference)")
            }
        }
    }

    @Test func f16NarrowingMatchesFloat16AtEveryTie() {
        // For each pair of neighbouring halves, the float midway between them (a tie, which must go to
        // the even one) and the floats one ulp either side of it: every rounding boundary there is.
        var failures = 0
        for bits in UInt16(0)..<0x7BFF {                            // neighbouring positive finite halves
            let low = Double(Float(Float16(bitPattern: bits))), high = Double(Float(Float16(bitPattern: bits + 1)))
            let tie = Float((low + high) / 2)                        // exact: halves have ≤ 11 significant bits
            for x in [tie, tie.nextDown, tie.nextUp, -tie, Float(low)] {
                let expected = Float16(x).bitPattern
                if halfBits(from: x) != expected {
                    failures += 1
                    if failures < 5 { Issue.record("\(x): ours 0x\(String(halfBits(from: x), radix: 16)), Float16 0x\(String(expected, radix: 16))") }
                }
            }
        }
        #expect(failures == 0)
    }

    @Test func f16NarrowingMatchesFloat16OnScatteredFloats() {
        // 2^32 / 4099 ≈ a million bit patterns spread over all floats: huge, tiny, subnormal, inf, NaN.
        var failures = 0
        for bits in stride(from: UInt32(0), to: UInt32.max - 4099, by: 4099) {
            let x = Float(bitPattern: bits)
            let ours = halfBits(from: x), expected = Float16(x).bitPattern
            let agree = x.isNaN ? (ours & 0x7C00 == 0x7C00 && ours & 0x03FF != 0 && ours & 0x8000 == expected & 0x8000) : ours == expected
            if !agree {
                failures += 1
                if failures < 5 { Issue.record("\(x): ours 0x\(String(ours, radix: 16)), Float16 0x\(String(expected, radix: 16))") }
            }
        }
        #expect(failures == 0)
    }

    @Test func f16SpecialValuesByHand() {
        // Bit patterns from the IEEE 754 binary16 layout (1 sign, 5 exponent bits biased by 15, 10 mantissa).
        #expect(halfBits(from: 1) == 0x3C00)
        #expect(halfBits(from: -2) == 0xC000)
        #expect(halfBits(from: 65504) == 0x7BFF)                   // largest finite
        #expect(halfBits(from: 0x1p-14) == 0x0400)                  // smallest normal
        #expect(halfBits(from: 0x1p-24) == 0x0001)                  // smallest subnormal
        #expect(halfBits(from: 0x1p-14 - 0x1p-24) == 0x03FF)        // largest subnormal
        #expect(halfBits(from: 1.0 / 3) == 0x3555)                  // 0.333251953125, the nearest half
        #expect(halfBits(from: -0.0) == 0x8000)
        #expect(halfBits(from: -1e-10) == 0x8000)                   // underflow keeps the sign
        #expect(halfBits(from: .infinity) == 0x7C00 && halfBits(from: -.infinity) == 0xFC00)
        #expect(halfBits(from: .nan) == 0x7E00 && halfBits(from: -.nan) == 0xFE00)
        #expect(floatFromHalfBits(0x0001) == 0x1p-24 && floatFromHalfBits(0x03FF) == 0x1p-14 - 0x1p-24)
        #expect(floatFromHalfBits(0xFC00) == -.infinity && floatFromHalfBits(0x7C01).isNaN)
    }

    /// bfloat16 rounding the slow way: of the two bfloat16 neighbours of x, the nearer; on a tie, the
    /// one with an even last bit. Computed in Double, where both differences are exact. Past the largest
    /// finite bfloat16 the upper neighbour is inf, which IEEE rounding treats as 2^128.
    func referenceBFloat16(_ x: Float) -> UInt16 {
        func value(_ b: UInt16) -> Double {
            b & 0x7FFF == 0x7F80 ? (b & 0x8000 == 0 ? 0x1p128 : -0x1p128) : Double(floatFromBFloat16Bits(b))
        }
        let low = UInt16(truncatingIfNeeded: x.bitPattern >> 16)      // truncation: the neighbour towards 0
        let high = low &+ 1                                           // the neighbour away from 0 (may be inf)
        let dLow = abs(Double(x) - value(low))
        let dHigh = abs(value(high) - Double(x))
        if dLow != dHigh { return dLow < dHigh ? low : high }
        return low & 1 == 0 ? low : high
    }

    @Test func bf16NarrowingMatchesANearestNeighbourSearch() {
        var failures = 0
        for bits in stride(from: UInt32(0), to: UInt32.max - 4099, by: 4099) {
            let x = Float(bitPattern: bits)
            guard x.isFinite else { continue }
            let ours = bfloat16Bits(from: x), expected = referenceBFloat16(x)
            if ours != expected {
                failures += 1
                if failures < 5 { Issue.record("\(x): ours 0x\(String(ours, radix: 16)), reference 0x\(String(expected, radix: 16))") }
            }
        }
        #expect(failures == 0)
        #expect(bfloat16Bits(from: .nan) & 0x7FC0 == 0x7FC0 && bfloat16Bits(from: -.infinity) == 0xFF80)
        #expect(bfloat16Bits(from: Float(bitPattern: 0x7FFF_FFFF)).bitPattern16IsNaN)   // NaN must not round to inf
    }
}

private extension UInt16 {
    var bitPattern16IsNaN: Bool { self & 0x7F80 == 0x7F80 && self & 0x007F != 0 }
}
