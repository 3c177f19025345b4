// Elementwise.swift — the pattern every one-input elementwise op follows: y = f(x), and in backward
// dx += dy · f′(x, y) (the derivative may use the output, as sigmoid's y(1 − y) does).
import Foundation

extension Tensor {
    /// y = f(x) elementwise; backward adds dy · derivative(x, y) into x's gradient.
    @inline(__always)
    func map(_ f: @escaping (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = self, n = count
        var out = zeroedStorage(n)
        x.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                parallelChunks(n) { range in for i in range { dst[i] = f(src[i]) } }
            }
        }
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [x]) { y in
            let dy = y.gradScalars
            x.scalars.withUnsafeBufferPointer { xs in
                y.scalars.withUnsafeBufferPointer { ys in
                    x.gradScalars.withUnsafeMutableBufferPointer { dx in
                        let xs = xs.baseAddress!, ys = ys.baseAddress!, dx = dx.baseAddress!
                        dy.withUnsafeBufferPointer { dy in
                            let dy = dy.baseAddress!
                            parallelChunks(n) { range in
                                for i in range { dx[i] += dy[i] * derivative(xs[i], ys[i]) }
                            }
                        }
                    }
                }
            }
        }
    }

    public func exp() -> Tensor { map({ Foundation.exp($0) }, derivative: { _, y in y }) }
    public func log() -> Tensor { map({ Foundation.log($0) }, derivative: { x, _ in 1 / x }) }
    public func sqrt() -> Tensor { map({ $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// x^p for a constant exponent p.
    public func pow(_ p: Float) -> Tensor {
        map({ Foundation.pow($0, p) }, derivative: { x, _ in p * Foundation.pow(x, p - 1) })
    }
    public func square() -> Tensor { map({ $0 * $0 }, derivative: { x, _ in 2 * x }) }
    public func tanh() -> Tensor { map({ Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }) }
    public func abs() -> Tensor { map({ Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }) }
    /// Clamps into [low, high]; the gradient passes only where x is strictly inside.
    public func clamped(_ low: Float, _ high: Float) -> Tensor {
        map({ Swift.min(Swift.max($0, low), high) }, derivative: { x, _ in x > low && x < high ? 1 : 0 })
    }
}
