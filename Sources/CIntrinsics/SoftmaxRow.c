// SoftmaxRow.c — see include/SoftmaxRow.h. Each kernel is compiled three times (x86-64-v4, x86-64-v3,
// baseline x86-64) and the loader picks the widest the CPU has. Contraction into FMA is off and the
// exponential's fused multiply-adds are written out, so the copies compute the very same operations in
// the same order: results are bit-identical across CPUs, only faster on wider ones (DESIGN.md §6).
#include "SoftmaxRow.h"
#include "FastExp.h"

#pragma clang fp contract(off)

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
            float e = d3d_fast_exp(row[j + l] - shift);
            row[j + l] = e;
            s[l] += e;
        }
    float tail = 0;
    for (; j < count; j++) {
        float e = d3d_fast_exp(row[j] - shift);
        row[j] = e;
        tail += e;
    }
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; l++) s[l] += s[l + w];
    return s[0] + tail;
}
