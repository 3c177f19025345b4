// MarchingCubesBench.swift — DESIGN.md §7: marching cubes on 256³ within 0.5 s on this machine's cores.
// The field is an analytic torus (R = 0.5, r = 0.2 in [-1, 1]³) turned into a softplus density that
// crosses the default threshold 10 at the surface, so the grid looks like a trained scene's: large
// inside, near 0 outside. Sampling the grid is timed apart from extraction, because its cost is the
// field's (a NeRF field's, in the real export), not marching cubes'. Each figure is the best of 3 runs.
import Dream3DCore
import Dream3DMesh
import Foundation

func benchMarchingCubes() {
    let n = 256, runs = 3, budget = 0.5
    let density: DensityField = { points in
        points.map { p in
            let ring = (p.x * p.x + p.y * p.y).squareRoot() - 0.5
            let distance = (ring * ring + p.z * p.z).squareRoot() - 0.2
            let x = 10 - 200 * distance                           // softplus(x) = max(x, 0) + log(1 + e^−|x|)
            return max(x, 0) + log1p(exp(-abs(x)))
        }
    }
    func best<T>(_ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
        var result: (Double, T)? = nil
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if result == nil || seconds < result!.0 { result = (seconds, value) }
        }
        return result!
    }
    do {
        let bounds = AxisAlignedBox(halfSize: 1)
        let sampling = try best { try DensityGrid.sample(density, bounds: bounds, resolution: n) }
        let extraction = try best { try marchingCubes(sampling.value) }
        let cleanup = best { extraction.value.removingDegenerateTriangles().removingSmallComponents().withVertexNormals() }
        let mesh = extraction.value
        print(String(format: "grid sampling %d³ (analytic torus field): %.3f s", n, sampling.seconds))
        print(String(format: "marching cubes %d³: %.3f s (budget %.1f s, ratio %.2f), %d vertices, %d triangles",
                     n, extraction.seconds, budget, extraction.seconds / budget, mesh.vertexCount, mesh.triangleCount))
        print(String(format: "mesh clean-up + normals: %.3f s", cleanup.seconds))
    } catch {
        print("marching cubes bench failed: \(error)")
    }
}
