// Broadcasting.swift — NumPy/PyTorch broadcasting: shapes align from the right, and an axis of
// extent 1 (or a missing one) repeats to match the other operand.
//
// Every broadcasting kernel walks the output in row-major order and reads each operand through
// strides that are 0 along broadcast axes. Adjacent axes that step through memory the same way for
// every operand are merged first, so [N, C, H, W] + [1, C, 1, 1] runs as 3 loops, not 4, and the
// innermost loop is as long as possible.

/// The shape two operands broadcast to. Precondition: they are compatible.
func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    return (0..<rank).map { i in
        let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast (axis \(i): \(x) vs \(y))")
        return max(x, y)
    }
}

/// Row-major strides of a contiguous tensor of `shape`.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = step
        step *= shape[i]
    }
    return strides
}

/// Strides for reading a contiguous tensor of `shape` as if it had `target` shape: 0 on broadcast axes.
func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
    let own = contiguousStrides(shape)
    let offset = target.count - shape.count
    return target.indices.map { i in
        i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
}

/// An iteration over `shape` in row-major order with one stride vector per operand, axes merged
/// where every operand allows it.
struct StridedLoop {
    var shape: [Int]
    var strides: [[Int]]

    init(shape: [Int], strides: [[Int]]) {
        var mergedShape: [Int] = []
        var mergedStrides: [[Int]] = strides.map { _ in [] }
        for axis in shape.indices where shape[axis] != 1 {
            if let last = mergedShape.indices.last,
               strides.indices.allSatisfy({ mergedStrides[$0][last] == strides[$0][axis] * shape[axis] }) {
                mergedShape[last] *= shape[axis]
                for k in strides.indices { mergedStrides[k][last] = strides[k][axis] }
            } else {
                mergedShape.append(shape[axis])
                for k in strides.indices { mergedStrides[k].append(strides[k][axis]) }
            }
        }
        if mergedShape.isEmpty {
            mergedShape = [1]
            mergedStrides = strides.map { _ in [0] }
        }
        self.shape = mergedShape
        self.strides = mergedStrides
    }

    /// Calls `body(i, offsetA, offsetB)` for every row-major output position i (two operands).
    @inline(__always)
    func forEach2(_ body: (Int, Int, Int) -> Void) {
        let inner = shape[shape.count - 1], sa = strides[0].last!, sb = strides[1].last!
        var outer = shape.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: shape.count)
        var a = 0, b = 0, i = 0
        while outer > 0 {
            for j in 0..<inner { body(i + j, a + j * sa, b + j * sb) }
            i += inner
            outer -= 1
            // Advance the outer multi-index (odometer), updating operand offsets incrementally.
            var axis = shape.count - 2
            while axis >= 0 {
                index[axis] += 1
                a += strides[0][axis]
                b += strides[1][axis]
                if index[axis] < shape[axis] { break }
                a -= strides[0][axis] * shape[axis]
                b -= strides[1][axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }

    /// Calls `body(i, offset)` for every row-major position of `shape` (one operand).
    @inline(__always)
    func forEach1(_ body: (Int, Int) -> Void) {
        let single = StridedLoop(shape: shape, strides: [strides[0], strides[0]])
        single.forEach2 { i, a, _ in body(i, a) }
    }
}

extension Tensor {
    /// Sums a gradient of `shape` (the broadcast output) down to this tensor's shape and adds it
    /// into this tensor's gradient: the backward of broadcasting.
    func accumulateBroadcastGradient(_ gradient: UnsafeBufferPointer<Float>, outputShape: [Int]) {
        if outputShape == shape {
            gradScalars.withUnsafeMutableBufferPointer { g in
                let dst = g.baseAddress!, src = gradient.baseAddress!
                parallelChunks(count) { range in for i in range { dst[i] += src[i] } }
            }
            return
        }
        let loop = StridedLoop(shape: outputShape, strides: [broadcastStrides(shape, to: outputShape)])
        gradScalars.withUnsafeMutableBufferPointer { g in
            loop.forEach1 { i, a in g[a] += gradient[i] }
        }
    }
}
