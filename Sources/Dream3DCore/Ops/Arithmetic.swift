// Arithmetic.swift — +, −, ×, ÷ between tensors (with broadcasting) and with scalars.

extension Tensor {
    /// Elementwise `op` with broadcasting; `backward(dy, a, b, i, offsetA, offsetB, da, db)` is
    /// replaced by the two partial derivatives ∂op/∂a and ∂op/∂b evaluated at (a, b). `run(x, y, z, count)`
    /// is `op` over `count` contiguous elements: operands of equal shape (residual adds, GEGLU's product)
    /// take it once per chunk, so its loop vectorises where a closure call per element does not.
    @inline(__always)
    static func broadcasting(
        _ a: Tensor, _ b: Tensor,
        _ op: @escaping (Float, Float) -> Float,
        run: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
        da: @escaping (Float, Float) -> Float,
        db: @escaping (Float, Float) -> Float
    ) -> Tensor {
        let shape = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
        let n = shape.reduce(1, *)
        var out = uninitializedStorage(n)                    // both loops below write every element
        let loop = StridedLoop(shape: shape, strides: [broadcastStrides(a.shape, to: shape), broadcastStrides(b.shape, to: shape)])
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                out.withUnsafeMutableBufferPointer { z in
                    if a.shape == b.shape {
                        let x = x.baseAddress!, y = y.baseAddress!, z = z.baseAddress!
                        parallelChunks(n) { r in run(x + r.lowerBound, y + r.lowerBound, z + r.lowerBound, r.count) }
                    } else {
                        loop.forEach2 { i, ia, ib in z[i] = op(x[ia], y[ib]) }
                    }
                }
            }
        }
        return record(Tensor(shape: shape, scalars: out), inputs: [a, b]) { out in
            let dy = out.gradScalars
            var gradA = zeroedStorage(a.requiresGrad ? n : 0)
            var gradB = zeroedStorage(b.requiresGrad ? n : 0)
            a.scalars.withUnsafeBufferPointer { x in
                b.scalars.withUnsafeBufferPointer { y in
                    loop.forEach2 { i, ia, ib in
                        if a.requiresGrad { gradA[i] = dy[i] * da(x[ia], y[ib]) }
                        if b.requiresGrad { gradB[i] = dy[i] * db(x[ia], y[ib]) }
                    }
                }
            }
            if a.requiresGrad { gradA.withUnsafeBufferPointer { a.accumulateBroadcastGradient($0, outputShape: shape) } }
            if b.requiresGrad { gradB.withUnsafeBufferPointer { b.accumulateBroadcastGradient($0, outputShape: shape) } }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, { $0 + $1 }, run: { x, y, z, n in for i in 0..<n { z[i] = x[i] + y[i] } }, da: { _, _ in 1 }, db: { _, _ in 1 })
    }
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, { $0 - $1 }, run: { x, y, z, n in for i in 0..<n { z[i] = x[i] - y[i] } }, da: { _, _ in 1 }, db: { _, _ in -1 })
    }
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, { $0 * $1 }, run: { x, y, z, n in for i in 0..<n { z[i] = x[i] * y[i] } }, da: { _, y in y }, db: { x, _ in x })
    }
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        broadcasting(a, b, { $0 / $1 }, run: { x, y, z, n in for i in 0..<n { z[i] = x[i] / y[i] } }, da: { _, y in 1 / y }, db: { x, y in -x / (y * y) })
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map({ $0 + s }, derivative: { _, _ in 1 }) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map({ s - $0 }, derivative: { _, _ in -1 }) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map({ $0 * s }, derivative: { _, _ in s }) }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map({ s / $0 }, derivative: { x, _ in -s / (x * x) }) }
    public static prefix func - (a: Tensor) -> Tensor { a * -1 }
}
