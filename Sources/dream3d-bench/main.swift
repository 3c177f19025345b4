// dream3d-bench — prints each performance figure of DESIGN.md §7 with its ratio to a peer or to the
// machine's measured GEMM peak. Run with `make bench`. Figures are best-of-5 wall-clock times.
import Dream3DCore

print("dream3d-bench \(dream3dVersion) on \(workerCount) cores, OpenBLAS with \(blasThreadCount) threads")
let peak = measureSGEMMPeak()
report("sgemm 1536³ (OpenBLAS)", String(format: "%.1f GFLOP/s", peak), ratio: 1, to: "sgemm peak")
benchConvolution(peak: peak)
benchUNet()
