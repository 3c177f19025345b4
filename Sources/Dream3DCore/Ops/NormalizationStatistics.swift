// NormalizationStatistics.swift — the statistics GroupNorm and LayerNorm share: mean and inverse
// standard deviation of one contiguous segment, two-pass in Double (no cancellation when the mean is
// large), biased variance as PyTorch's normalisation layers use.

/// (mean, 1/√(variance + eps)) of `count` values starting at `x`.
@inline(__always)
func meanAndInverseStd(_ x: UnsafePointer<Float>, count: Int, eps: Float) -> (mean: Float, inverseStd: Float) {
    var sum: Double = 0, sumSquares: Double = 0
    for i in 0..<count { sum += Double(x[i]) }
    let mean = sum / Double(count)
    for i in 0..<count { let d = Double(x[i]) - mean; sumSquares += d * d }
    return (Float(mean), Float(1 / (sumSquares / Double(count) + Double(eps)).squareRoot()))
}
