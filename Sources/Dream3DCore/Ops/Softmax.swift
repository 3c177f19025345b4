// Softmax.swift — softmax over the last axis, max-subtracted for stability. Backward: dx = y·(dy − Σ dy·y).
import Foundation

extension Tensor {
    /// Softmax over the last axis. Entries of −∞ (masked) get probability 0.
    public func softmax() -> Tensor {
        let d = shape.last ?? 1, rows = count / max(1, d)
        var out = zeroedStorage(count)
        scalars.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { ys in
                let xs = xs.baseAddress!, ys = ys.baseAddress!
                parallelChunks(rows, minChunk: 16) { range in
                    for row in range {
                        let x = xs + row * d, y = ys + row * d
                        var top = -Float.infinity
                        for j in 0..<d { top = Swift.max(top, x[j]) }
                        var total: Float = 0
                        for j in 0..<d { y[j] = Foundation.exp(x[j] - top); total += y[j] }
                        for j in 0..<d { y[j] /= total }
                    }
                }
            }
        }
        let x = self
        return Tensor.record(Tensor(shape: shape, scalars: out), inputs: [x]) { y in
            let dy = y.gradScalars
            dy.withUnsafeBufferPointer { dyBuffer in
                y.scalars.withUnsafeBufferPointer { yBuffer in
                    x.gradScalars.withUnsafeMutableBufferPointer { dxBuffer in
                        let dy = dyBuffer.baseAddress!, ys = yBuffer.baseAddress!, dx = dxBuffer.baseAddress!
                        parallelChunks(rows, minChunk: 16) { range in
                            for row in range {
                                let start = row * d
                                var dot: Float = 0
                                for j in start..<(start + d) { dot += dy[j] * ys[j] }
                                for j in start..<(start + d) { dx[j] += ys[j] * (dy[j] - dot) }
                            }
                        }
                    }
                }
            }
        }
    }
}
