// NormalizationStatistics.h — the statistics GroupNorm and LayerNorm share (Dream3DCore/Ops/
// NormalizationStatistics.swift), as a vector kernel: Swift on Linux x86-64 adds the Doubles one at a
// time, where this adds eight lanes at once (the U-Net normalises 4 M values a forward).
#pragma once

/// mean and 1/√(variance + eps) of x[0..<count], two-pass in double (no cancellation when the mean is
/// large), biased variance as PyTorch's normalisation layers use. Sums run in eight interleaved
/// partial sums, combined pairwise, then the leftover values: the same order on every CPU.
void d3d_mean_inverse_std(const float *x, long count, float eps, float *mean, float *inverseStd);
