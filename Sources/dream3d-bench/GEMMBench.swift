// GEMMBench.swift — the machine's measured single-precision GEMM peak: the yardstick every other
// compute-bound kernel (conv2d, linear, attention) is reported against.
import CBLAS
import Dream3DCore

/// GFLOP/s of OpenBLAS sgemm on n×n×n matrices (2n³ flops), best of several runs.
func measureSGEMMPeak(n: Int = 1536) -> Double {
    var generator = SeededGenerator(seed: 0)
    let a = generator.uniforms(n * n), b = generator.uniforms(n * n)
    var c = [Float](repeating: 0, count: n * n)
    // The machine's peak uses every core; Core's kernels run OpenBLAS single-threaded inside their own
    // parallel split (Ops/GEMM.swift), so the thread count is restored afterwards.
    openblas_set_num_threads(Int32(workerCount))
    defer { openblas_set_num_threads(1) }
    let seconds = bestTime {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
    }
    return 2 * Double(n * n * n) / seconds / 1e9
}

/// The peak, measured once on first use (the conv figures are ratios to it).
let sgemmPeak = measureSGEMMPeak()
