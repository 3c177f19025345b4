// Elementwise.swift — the pattern every one-input elementwise op follows: y = f(x), and in backward
// dx += dy · f′(x, y) (the derivative may use the output, as sigmoid's y(1 − y) does).
import Foundation

extension Tensor {
    /// y = f(x) elementwise; backward adds dy · derivative(x, y) into x's gradient.
    @inline(__always)
    func map(_ f: @escaping (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Tensor {
        let x = self, n = count
        let out = storage(n) { dst in
            x.scalars.withUnsafeBufferPointer { src in
                guard n > 0 else { return }
                let src = src.baseAddress!, dst = dst.baseAddress!
                parallelChunks(n) { range in for i in range { dst[i] = f(src[i]) } }
            }
        }
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [x]) { y in
            guard n > 0 else { return }
            let dy = y.gradScalars
            x.scalars.withUnsafeBufferPointer { xs in
                y.scalars.withUnsafeBufferPointer { ys in
                    dy.withUnsafeBufferPointer { dy in
                        let xs = xs.baseAddress!, ys = ys.baseAddress!, dy = dy.baseAddress!
                        x.addingIntoGradient { dx, range in
                            for i in range { dx[i] += dy[i] * derivative(xs[i], ys[i]) }
                        }
                    }
                }
            }
        }
    }

    /// y = f(x) by a C vector kernel (CIntrinsics/Activations.c) run on chunks; backward adds dy·f′(x)
    /// through its partner kernel. `map` calls a closure per element and Swift vectorises for SSE2 only;
    /// these kernels run 16 lanes wide on AVX-512, which is what SiLU and GELU on U-Net activations need.
    func map(kernel forward: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void,
             derivative backward: @escaping (UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void) -> Tensor {
        let x = self, n = count
        let out = storage(n) { y in
            x.scalars.withUnsafeBufferPointer { xs in
                guard n > 0 else { return }
                let xs = xs.baseAddress!, y = y.baseAddress!
                parallelChunks(n) { range in forward(xs + range.lowerBound, y + range.lowerBound, range.count) }
            }
        }
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [x]) { y in
            guard n > 0 else { return }
            let dy = y.gradScalars
            x.scalars.withUnsafeBufferPointer { xs in
                dy.withUnsafeBufferPointer { dy in
                    let xs = xs.baseAddress!, dy = dy.baseAddress!
                    x.addingIntoGradient { dx, range in
                        backward(xs + range.lowerBound, dy + range.lowerBound, dx + range.lowerBound, range.count)
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
