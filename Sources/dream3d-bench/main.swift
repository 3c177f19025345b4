// dream3d-bench — prints each performance figure of DESIGN.md §7 with its ratio to a peer or to the
// machine's measured GEMM peak. Run with `make bench`.
import Dream3DCore

print("dream3d-bench \(dream3dVersion) on \(workerCount) cores")
benchMarchingCubes()
