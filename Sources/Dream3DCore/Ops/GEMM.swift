// GEMM.swift — the single door to OpenBLAS: C = alpha·op(A)·op(B) + beta·C, row-major.
// Every matrix product in dream3d (matmul, linear, conv2d) goes through here.
//
// OpenBLAS runs single-threaded and large products are split here, into row or column blocks of C
// run by `parallelFor`. With OpenBLAS's own pool, its idle worker spins in sched_yield for a while
// after every GEMM, on one of our two cores, just when the next elementwise kernel wants both: perf
// showed ~20% of a U-Net forward's samples in sched_yield. One pool (Dispatch) for all kernels avoids
// that and lets kernels that already run GEMMs one per core (fused attention) ask for no split.
// The split depends only on the matrix sizes (DESIGN.md §6), and every element of C is still one
// OpenBLAS dot product over all of k, so results do not depend on the number of cores.
import CBLAS

/// OpenBLAS is told once, before its first product, to use the calling thread only.
private let singleThreadedBLAS: Void = openblas_set_num_threads(1)

/// Row-major single-precision GEMM: C[m×n] = alpha·op(A)[m×k]·op(B)[k×n] + beta·C.
/// `transposeA`/`transposeB` read A as [k×m] / B as [n×k]. With beta = 1 the product adds into C,
/// which is how backward kernels accumulate gradients without a temporary. `ldc` (n unless given) is
/// the distance between rows of C, for a product into a block of columns of a wider matrix.
/// `split: false` runs the product on the calling thread (for callers already inside `parallelFor`).
@inline(__always)
func gemm(transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
          alpha: Float = 1, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
          beta: Float = 0, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil, split: Bool = true) {
    guard m > 0, n > 0 else { return }
    let ldc = ldc ?? n
    guard k > 0 else {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 { row.update(repeating: 0, count: n) } else if beta != 1 { for j in 0..<n { row[j] *= beta } }
        }
        return
    }
    _ = singleThreadedBLAS
    let lda = transposeA ? m : k, ldb = transposeB ? k : n
    func product(rows: Range<Int>, columns: Range<Int>) {
        let a = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
        let b = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(columns.count), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
    // Blocks of at least 2²¹ multiply-adds (~0.1 ms, well above a dispatch) and 32 rows or columns;
    // splitting the longer side of C re-packs only the smaller operand in each block. (The parentheses
    // matter: Swift's >> binds tighter than *, and without them no product was ever split.)
    let blocks = split ? min(4, (m * n * k) >> 21, Swift.max(m, n) / 32) : 1
    if blocks <= 1 { return product(rows: 0..<m, columns: 0..<n) }
    parallelFor(blocks) { i in
        if m >= n { product(rows: chunkRange(i, of: blocks, count: m), columns: 0..<n) }
        else { product(rows: 0..<m, columns: chunkRange(i, of: blocks, count: n)) }
    }
}
