// Loss.swift — mean squared error (torch.nn.functional.mse_loss, reduction "mean").

extension Tensor {
    /// mean((a − b)²) over all elements, as a rank-0 tensor; gradients reach both operands.
    public static func mseLoss(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "mse_loss: shapes \(a.shape) and \(b.shape) differ")
        let n = a.count
        let total = a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { y in
                let x = x.baseAddress!, y = y.baseAddress!
                return deterministicSum(n) { range in
                    var s: Double = 0
                    for i in range { let e = Double(x[i] - y[i]); s += e * e }
                    return s
                }
            }
        }
        return record(Tensor(Float(total / Double(max(1, n)))), inputs: [a, b]) { loss in
            let scale = 2 * loss.gradScalars[0] / Float(n)
            if a.requiresGrad {
                a.gradScalars.withUnsafeMutableBufferPointer { da in for i in 0..<n { da[i] += scale * (a.scalars[i] - b.scalars[i]) } }
            }
            if b.requiresGrad {
                b.gradScalars.withUnsafeMutableBufferPointer { db in for i in 0..<n { db[i] -= scale * (a.scalars[i] - b.scalars[i]) } }
            }
        }
    }
}
