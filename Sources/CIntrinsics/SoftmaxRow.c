// SoftmaxRow.c — see include/SoftmaxRow.h. Each kernel is compiled three times (AVX-512, AVX2,
// baseline x86-64) and the loader picks the widest the CPU has. Contraction into FMA is off, so the
// copies compute the very same operations in the same order: results are bit-identical across CPUs,
// only faster on wider ones (DESIGN.md §6).
#include "SoftmaxRow.h"

#pragma clang fp contract(off)

#if defined(__x86_64__) && defined(__linux__)
#define D3D_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define D3D_VECTOR_CLONES
#endif

/// eˣ by Cephes' expf: range reduction by ln 2 in two parts, degree-5 polynomial, 2ⁿ built from
/// exponent bits with n rounded by the 1.5·2²³ trick; relative error ≲ 2 ulp; below −87.3 it returns 0,
/// as a softmax wants. Branch-free and call-free, so the loops below vectorise.
static inline float fast_exp(float x) {
    float v = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    float t = v * 1.44269504088896341f + 12582912.0f;
    float n = t - 12582912.0f;
    float r = (v - n * 0.693359375f) + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float poly = p * r * r + r + 1;
    union { float f; unsigned u; } bits = { t }, scale;
    scale.u = (bits.u - 0x4B400000u + 127u) << 23;
    return x < -87.3f ? 0 : poly * scale.f;
}

D3D_VECTOR_CLONES
float d3d_row_maximum(const float *row, long count) {
    float m[16];
    for (int l = 0; l < 16; l++) m[l] = -__builtin_inff();
    long j = 0;
    for (; j + 16 <= count; j += 16)
        for (int l = 0; l < 16; l++) m[l] = row[j + l] > m[l] ? row[j + l] : m[l];
    for (; j < count; j++) m[0] = row[j] > m[0] ? row[j] : m[0];
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) m[l] = m[l + w] > m[l] ? m[l + w] : m[l];
    return m[0];
}

D3D_VECTOR_CLONES
float d3d_exp_shifted_sum(float *row, long count, float shift) {
    float s[16] = { 0 };
    long j = 0;
    for (; j + 16 <= count; j += 16)
        for (int l = 0; l < 16; l++) {
            float e = fast_exp(row[j + l] - shift);
            row[j + l] = e;
            s[l] += e;
        }
    float tail = 0;
    for (; j < count; j++) {
        float e = fast_exp(row[j] - shift);
        row[j] = e;
        tail += e;
    }
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) s[l] += s[l + w];
    return s[0] + tail;
}
