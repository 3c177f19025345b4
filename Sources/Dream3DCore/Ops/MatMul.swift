// MatMul.swift — matrix products through OpenBLAS (torch.matmul for the cases the models use).

extension Tensor {
    /// Matrix product over the last two axes.
    /// - a [..., M, K] · b [K, N] → [..., M, N] (one GEMM over all leading rows);
    /// - a [B..., M, K] · b [B..., K, N] → [B..., M, N] (a GEMM per batch; leading axes equal).
    public static func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.rank >= 2 && b.rank >= 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        precondition(b.shape[b.rank - 2] == k, "matmul inner extents differ: \(a.shape) · \(b.shape)")
        if b.rank == 2 {
            let rows = a.count / k
            let out = Tensor(shape: Array(a.shape.dropLast()) + [n], scalars: uninitializedStorage(rows * n))   // GEMM with beta = 0 writes it
            batchedProduct(a, b, out, batches: 1, m: rows, n: n, k: k)
            return record(out, inputs: [a, b]) { y in matmulBackward(a, b, y, batches: 1, m: rows, n: n, k: k) }
        }
        precondition(a.shape.dropLast(2) == b.shape.dropLast(2), "matmul batch axes differ: \(a.shape) · \(b.shape)")
        let batches = a.shape.dropLast(2).reduce(1, *)
        let out = Tensor(shape: Array(a.shape.dropLast()) + [n], scalars: uninitializedStorage(batches * m * n))
        batchedProduct(a, b, out, batches: batches, m: m, n: n, k: k)
        return record(out, inputs: [a, b]) { y in matmulBackward(a, b, y, batches: batches, m: m, n: n, k: k) }
    }

    /// out[i] = a[i]·b[i] for each batch i (b shared when it has one batch).
    private static func batchedProduct(_ a: Tensor, _ b: Tensor, _ out: Tensor, batches: Int, m: Int, n: Int, k: Int) {
        let strideB = b.rank == 2 ? 0 : k * n
        a.scalars.withUnsafeBufferPointer { x in
            b.scalars.withUnsafeBufferPointer { w in
                out.scalars.withUnsafeMutableBufferPointer { y in
                    for i in 0..<batches {
                        gemm(m: m, n: n, k: k, x.baseAddress! + i * m * k, w.baseAddress! + i * strideB,
                                         y.baseAddress! + i * m * n)
                    }
                }
            }
        }
    }

    /// dA += dY·Bᵀ and dB += Aᵀ·dY, per batch.
    private static func matmulBackward(_ a: Tensor, _ b: Tensor, _ y: Tensor, batches: Int, m: Int, n: Int, k: Int) {
        let dy = y.gradScalars, strideB = b.rank == 2 ? 0 : k * n
        dy.withUnsafeBufferPointer { dy in
            let dy = dy.baseAddress!
            if a.requiresGrad {
                b.scalars.withUnsafeBufferPointer { w in
                    a.gradScalars.withUnsafeMutableBufferPointer { da in
                        for i in 0..<batches {
                            gemm(transposeB: true, m: m, n: k, k: n, dy + i * m * n,
                                             w.baseAddress! + i * strideB, beta: 1, da.baseAddress! + i * m * k)
                        }
                    }
                }
            }
            if b.requiresGrad {
                a.scalars.withUnsafeBufferPointer { x in
                    b.gradScalars.withUnsafeMutableBufferPointer { db in
                        for i in 0..<batches {
                            gemm(transposeA: true, m: k, n: n, k: m, x.baseAddress! + i * m * k,
                                             dy + i * m * n, beta: 1, db.baseAddress! + i * strideB)
                        }
                    }
                }
            }
        }
    }

    /// y = xᵀ·Wᵀ for an input stored feature-major: x [in, rows] (feature i of row r at [i, r]), weight
    /// [out, in] → [rows, out], the values of `linear(x.permuted([1, 0]), weight: weight, bias: nil)`.
    /// The hash encoding writes its features this way (HashGridEncoding), and a GEMM reads a transposed
    /// operand at no extra cost, where making rows of it would be a pass over all of its values.
    public static func linear(featureMajor x: Tensor, weight: Tensor) -> Tensor {
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[0] == weight.shape[1],
                     "linear: feature-major input \(x.shape) does not fit weight \(weight.shape)")
        let outFeatures = weight.shape[0], inFeatures = weight.shape[1], rows = x.shape[1]
        let out = storage(rows * outFeatures) { y in      // beta = 0 writes every element
            x.scalars.withUnsafeBufferPointer { xs in
                weight.scalars.withUnsafeBufferPointer { w in
                    gemm(transposeA: true, transposeB: true, m: rows, n: outFeatures, k: inFeatures, xs.baseAddress!, w.baseAddress!, y.baseAddress!)
                }
            }
        }
        return record(Tensor(shape: [rows, outFeatures], scalars: out), inputs: [x, weight]) { y in
            let dy = y.gradScalars
            dy.withUnsafeBufferPointer { dy in
                let dy = dy.baseAddress!
                if x.requiresGrad {          // dX[in, rows] += (dY[rows, out] · W[out, in])ᵀ
                    // Formed row-major by a plain GEMM and added in transposed: OpenBLAS took 1.9× as long
                    // for the product with both operands transposed (67855 × 16 from 64, 1.75 vs 0.93 ms).
                    let product = storage(rows * inFeatures) { product in
                        weight.scalars.withUnsafeBufferPointer { w in
                            gemm(m: rows, n: inFeatures, k: outFeatures, dy, w.baseAddress!, product.baseAddress!)
                        }
                    }
                    x.withGradientBuffer { dx, isCurrent in
                        product.withUnsafeBufferPointer { product in
                            parallelChunks(rows, minChunk: 8192) { range in
                                for i in 0..<inFeatures {
                                    let column = dx.baseAddress! + i * rows
                                    if isCurrent {
                                        for r in range { column[r] += product[r * inFeatures + i] }
                                    } else {
                                        for r in range { column[r] = product[r * inFeatures + i] }
                                    }
                                }
                            }
                        }
                    }
                }
                if weight.requiresGrad {     // dW[out, in] += dYᵀ[out, rows] · Xᵀ[rows, in]
                    x.scalars.withUnsafeBufferPointer { xs in
                        weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                            gemm(transposeA: true, transposeB: true, m: outFeatures, n: inFeatures, k: rows, dy, xs.baseAddress!,
                                 beta: 1, dw.baseAddress!)
                        }
                    }
                }
            }
        }
    }

    /// y = x·Wᵀ + b over the last axis (torch.nn.functional.linear): x [..., in], weight [out, in],
    /// bias [out] → [..., out]. Weight layout is PyTorch's, so checkpoints load untransposed.
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        precondition(weight.rank == 2 && x.shape.last == weight.shape[1],
                     "linear: input \(x.shape) does not fit weight \(weight.shape)")
        let outFeatures = weight.shape[0], inFeatures = weight.shape[1], rows = x.count / inFeatures
        if let bias { precondition(bias.shape == [outFeatures], "linear: bias \(bias.shape) for \(outFeatures) outputs") }
        // Each row starts as a copy of the bias (one memcpy per row) and the GEMM adds into it; without a
        // bias the GEMM's beta = 0 writes every element, so neither path needs a zero fill first.
        let out = storage(rows * outFeatures) { y in
            guard let y = y.baseAddress else { return }
            if let bias {
                bias.scalars.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (y + r * outFeatures).update(from: b.baseAddress!, count: outFeatures) }
                }
            }
            x.scalars.withUnsafeBufferPointer { xs in
                weight.scalars.withUnsafeBufferPointer { w in
                    gemm(transposeB: true, m: rows, n: outFeatures, k: inFeatures, xs.baseAddress!, w.baseAddress!,
                         beta: bias == nil ? 0 : 1, y)
                }
            }
        }
        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        return record(Tensor(shape: Array(x.shape.dropLast()) + [outFeatures], scalars: out), inputs: inputs) { y in
            let dy = y.gradScalars
            dy.withUnsafeBufferPointer { dy in
                let dy = dy.baseAddress!
                if x.requiresGrad {          // dX[rows, in] += dY[rows, out] · W[out, in]
                    weight.scalars.withUnsafeBufferPointer { w in
                        x.gradScalars.withUnsafeMutableBufferPointer { dx in
                            gemm(m: rows, n: inFeatures, k: outFeatures, dy, w.baseAddress!, beta: 1, dx.baseAddress!)
                        }
                    }
                }
                if weight.requiresGrad {     // dW[out, in] += dYᵀ[out, rows] · X[rows, in]
                    x.scalars.withUnsafeBufferPointer { xs in
                        weight.gradScalars.withUnsafeMutableBufferPointer { dw in
                            gemm(transposeA: true, m: outFeatures, n: inFeatures, k: rows, dy, xs.baseAddress!,
                                 beta: 1, dw.baseAddress!)
                        }
                    }
                }
                if let bias, bias.requiresGrad {
                    bias.gradScalars.withUnsafeMutableBufferPointer { db in
                        for r in 0..<rows { for o in 0..<outFeatures { db[o] += dy[r * outFeatures + o] } }
                    }
                }
            }
        }
    }
}
