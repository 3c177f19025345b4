// MarchingCubesBench.swift — DESIGN.md §7: marching cubes on 256³ within 0.5 s on this machine's cores.
// The field is an analytic torus (R = 0.5, r = 0.2 in [-1, 1]³) turned into a softplus density that
// crosses the default threshold 10 at the surface, so the grid looks like a trained scene's: large
// inside, near 0 outside. Sampling the grid is timed apart from extraction, because its cost is the
// field's (a NeRF field's, in the real export), not marching cubes'. Each figure is the best of 3 runs
// after a warm-up.
import Dream3DCore
import Dream3DMesh
import Foundation

func benchMarchingCubes() {
    let n = 256, budget = 0.5
    let density: DensityField = { points in
        points.map { p in
            let ring = (p.x * p.x + p.y * p.y).squareRoot() - 0.5
            let distance = (ring * ring + p.z * p.z).squareRoot() - 0.2
            let x = 10 - 200 * distance                           // softplus(x) = max(x, 0) + log(1 + e^−|x|)
            return max(x, 0) + log1p(exp(-abs(x)))
        }
    }
    do {
        let bounds = AxisAlignedBox(halfSize: 1)
        let sampling = try bestRun(runs: 3) { try DensityGrid.sample(density, bounds: bounds, resolution: n) }
        // The default closing (0.03 scene units) is 4 samples at 256³.
        let closing = bestRun(runs: 3) { sampling.value.closingGaps(radius: 4, threshold: defaultDensityThreshold, minPieceFraction: 0.01) }
        let extraction = try bestRun(runs: 3) { try marchingCubes(sampling.value) }
        let cleanup = bestRun(runs: 3) { extraction.value.removingDegenerateTriangles().removingSmallComponents().withVertexNormals() }
        let mesh = extraction.value
        report("grid sampling \(n)³ (analytic torus field)", String(format: "%.3f s", sampling.seconds),
               ratio: sampling.seconds / budget, to: "marching-cubes budget")
        report("gap closing \(n)³, ±4 samples", String(format: "%.3f s", closing.seconds),
               ratio: closing.seconds / budget, to: "marching-cubes budget")
        report("marching cubes \(n)³ (\(mesh.triangleCount) triangles)", String(format: "%.3f s", extraction.seconds),
               ratio: extraction.seconds / budget, to: "budget 0.5 s")
        report("mesh clean-up + normals", String(format: "%.3f s", cleanup.seconds), ratio: cleanup.seconds / budget, to: "marching-cubes budget")
    } catch {
        print("marching cubes bench failed: \(error)")
    }
}
