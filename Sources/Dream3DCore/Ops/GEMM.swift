// GEMM.swift — the single door to OpenBLAS: C = alpha·op(A)·op(B) + beta·C, row-major.
// Every matrix product in dream3d (matmul, linear, conv2d) goes through here.
import CBLAS

/// Row-major single-precision GEMM: C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C.
/// `transposeA`/`transposeB` read A as [k×m] / B as [n×k]. With beta = 1 the product adds into C,
/// which is how backward kernels accumulate gradients without a temporary.
@inline(__always)
func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
          alpha: Float = 1, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
          beta: Float = 0, _ c: UnsafeMutablePointer<Float>) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        if beta == 0 { c.update(repeating: 0, count: m * n) } else if beta != 1 { for i in 0..<(m * n) { c[i] *= beta } }
        return
    }
    cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha,
                a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n), beta, c, Int32(n))
}

/// Number of threads OpenBLAS uses for one GEMM.
public var blasThreadCount: Int {
    get { Int(openblas_get_num_threads()) }
    set { openblas_set_num_threads(Int32(newValue)) }
}
