// SoftmaxRow.h — the per-row work of a softmax (and of fused attention): the maximum, then
// exp(x − max) in place and its sum. Written in C so that one build can carry AVX-512 and AVX2 copies
// next to the baseline one (clang's target_clones, chosen once at load time by the CPU): Swift on
// Linux x86-64 compiles for SSE2 only, 4 lanes, where these loops run 16 lanes wide on AVX-512.
#pragma once

/// max(row[0..<count]); −∞ for an empty row.
float d3d_row_maximum(const float *row, long count);

/// row[j] = exp(row[j] − shift) in place for j < count; returns their sum, added in sixteen
/// interleaved partial sums and then pairwise, the same order on every CPU.
float d3d_exp_shifted_sum(float *row, long count, float shift);
