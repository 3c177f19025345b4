// NormalizationStatistics.swift — the statistics GroupNorm and LayerNorm share: mean and inverse
// standard deviation of one contiguous segment, two-pass in Double (no cancellation when the mean is
// large), biased variance as PyTorch's normalisation layers use. The sums run in a C vector kernel
// (CIntrinsics/NormalizationStatistics.c), eight Double lanes at a time.
import CIntrinsics

/// (mean, 1/√(variance + eps)) of `count` values starting at `x`.
@inline(__always)
func meanAndInverseStd(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
    var mean: Float = 0, inverseStd: Float = 0
    d3d_mean_inverse_std(x, count, eps, &mean, &inverseStd)
    return (mean, inverseStd)
}
