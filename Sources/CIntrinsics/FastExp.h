// FastExp.h — the exponential the vector kernels share (SoftmaxRow.c, Activations.c); private to
// CIntrinsics, so Swift never sees it.
#pragma once

/// eˣ by Cephes' expf: range reduction by ln 2 in two parts, degree-5 polynomial, 2ⁿ built from
/// exponent bits with n rounded by the 1.5·2²³ trick; relative error ≲ 2 ulp. The input is clamped to
/// [−87.3, 88.7], so below −87.3 it returns e^−87.3 ≈ 1.2e-38 (as good as 0 next to any term a softmax
/// or a sigmoid adds it to, and two instructions cheaper than a select to 0) and above 88.7 it saturates
/// at e^88.7; NaN stays NaN. Branch-free and call-free, so loops over it vectorise. Every multiply-add is one fused multiply-add (Horner's rule, and the reduction
/// r = x − n·ln 2 exact in its first part): half the instructions of separate multiplies and adds,
/// one rounding fewer per step, and the same bits in every copy of a kernel (the baseline copy calls
/// libm's fmaf, which rounds the same way).
static inline float d3d_fast_exp(float x) {
    float v = x > 88.7f ? 88.7f : x;       // each clamp one min or max instruction, NaN passing through
    v = v < -87.3f ? -87.3f : v;
    float t = __builtin_fmaf(v, 1.44269504088896341f, 12582912.0f);
    float n = t - 12582912.0f;
    float r = __builtin_fmaf(n, 2.12194440e-4f, __builtin_fmaf(n, -0.693359375f, v));
    float p = 1.9875691500e-4f;
    p = __builtin_fmaf(p, r, 1.3981999507e-3f);
    p = __builtin_fmaf(p, r, 8.3334519073e-3f);
    p = __builtin_fmaf(p, r, 4.1665795894e-2f);
    p = __builtin_fmaf(p, r, 1.6666665459e-1f);
    p = __builtin_fmaf(p, r, 5.0000001201e-1f);
    float poly = __builtin_fmaf(p, r * r, r) + 1;
    union { float f; unsigned u; } bits = { t }, scale;
    scale.u = (bits.u - 0x4B400000u + 127u) << 23;
    return poly * scale.f;
}

/// Compiles a kernel three times (x86-64-v4: AVX-512; x86-64-v3: AVX2 and FMA; baseline x86-64); the
/// loader picks the widest the CPU has. With contraction into FMA off (each file says
/// `#pragma clang fp contract(off)`) and every fused multiply-add written out, the copies do the very
/// same operations, so results are bit-identical across CPUs (DESIGN.md §6).
#if defined(__x86_64__) && defined(__linux__)
#define D3D_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define D3D_VECTOR_CLONES
#endif
