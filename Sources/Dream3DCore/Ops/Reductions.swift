// Reductions.swift — sum and mean over axes. Sums accumulate in Double in a fixed order, so they
// are reproducible and do not drift on long axes.

extension Tensor {
    /// Sum over `axes` (negative counts from the end). With `keepDims` the reduced axes stay as 1.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let reduced = Set(axes.map { normalizedAxis($0) })
        let keptShape = shape.indices.map { reduced.contains($0) ? 1 : shape[$0] }
        let outShape = keepDims ? keptShape : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
        let loop = StridedLoop(shape: shape, strides: [broadcastStrides(keptShape, to: shape)])
        var totals = [Double](repeating: 0, count: keptShape.reduce(1, *))
        scalars.withUnsafeBufferPointer { x in
            loop.forEach1 { i, o in totals[o] += Double(x[i]) }
        }
        let x = self
        return Tensor.record(Tensor(shape: outShape, scalars: totals.map { Float($0) }), inputs: [x]) { y in
            let dy = y.gradScalars
            x.gradScalars.withUnsafeMutableBufferPointer { dx in
                loop.forEach1 { i, o in dx[i] += dy[o] }
            }
        }
    }

    /// Sum of every element, as a rank-0 tensor.
    public func sum() -> Tensor { sum(axes: Array(shape.indices)) }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { normalizedAxis($0) }).reduce(1) { $0 * shape[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(n))
    }

    /// Mean of every element, as a rank-0 tensor.
    public func mean() -> Tensor { mean(axes: Array(shape.indices)) }

    /// An axis index in 0..<rank; negative values count from the end.
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }
}
