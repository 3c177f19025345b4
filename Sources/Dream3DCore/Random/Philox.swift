// Philox.swift — the Philox4x32-10 counter-based generator (Salmon et al. 2011, "Parallel random
// numbers: as easy as 1, 2, 3", the generator behind PyTorch's CUDA and JAX's RNG).
//
// Output block i is a pure function of (key, i): no hidden state beyond a counter, so a stream can be
// saved as two integers, split into independent streams by deriving keys, and filled in parallel
// (chunk j starts at its own counter) with the same bits as a serial fill.

/// The Philox4x32 bijection: 10 rounds of multiply-xor over a 128-bit counter under a 64-bit key.
@inline(__always)
func philox4x32(_ counter: (UInt32, UInt32, UInt32, UInt32), key: (UInt32, UInt32)) -> (UInt32, UInt32, UInt32, UInt32) {
    var (c0, c1, c2, c3) = counter
    var (k0, k1) = key
    for round in 0..<10 {
        let p0 = UInt64(0xD251_1F53) &* UInt64(c0), p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
        (c0, c1, c2, c3) = (UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0, UInt32(truncatingIfNeeded: p1),
                            UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1, UInt32(truncatingIfNeeded: p0))
        if round < 9 { k0 &+= 0x9E37_79B9; k1 &+= 0xBB67_AE85 }   // Weyl key schedule
    }
    return (c0, c1, c2, c3)
}

/// SplitMix64's finaliser: spreads nearby seeds (0, 1, 2, …) to unrelated keys.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
