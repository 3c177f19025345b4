// ShapeOccupancy.swift — the shape comparisons issue 9's quality gate builds on: occupancy of a
// scene on an n³ grid (optionally turned about the up axis), intersection over union of two grids,
// the best IoU over turns (a generated mesh's yaw is unknown), and silhouette IoU of two opacity maps
// (the view-asymmetry figure: silhouettes 90° apart of a mug overlap less than those of a vase).
import Dream3DCore
import Dream3DScene
import Foundation

/// Occupancy at the centres of an n³ grid over [−1, 1]³, x fastest then y then z: true where the
/// scene, turned by `degrees` about +z (counter-clockwise seen from above), has negative distance.
public func occupancyGrid(_ scene: AnalyticScene, resolution n: Int = 64, turnedBy degrees: Float = 0) -> [Bool] {
    let traced = TracedScene(scene)
    // Turning the scene by θ is sampling the unturned scene at points turned by −θ.
    let a = -degrees * .pi / 180, c = cos(a), s = sin(a), step = 2 / Float(n)
    var grid = [Bool](repeating: false, count: n * n * n)
    grid.withUnsafeMutableBufferPointer { g in
        let g = g.baseAddress!
        parallelFor(n) { k in
            let z = -1 + (Float(k) + 0.5) * step
            for j in 0..<n {
                let y = -1 + (Float(j) + 0.5) * step
                for i in 0..<n {
                    let x = -1 + (Float(i) + 0.5) * step
                    g[(k * n + j) * n + i] = traced.distance(SIMD3(c * x - s * y, s * x + c * y, z)).0 < 0
                }
            }
        }
    }
    return grid
}

/// |A ∩ B| / |A ∪ B| of two equally sized grids; 1 when both are empty.
public func occupancyIoU(_ a: [Bool], _ b: [Bool]) -> Float {
    precondition(a.count == b.count, "occupancy grids of \(a.count) and \(b.count) cells")
    var both = 0, either = 0
    for i in a.indices {
        if a[i] && b[i] { both += 1 }
        if a[i] || b[i] { either += 1 }
    }
    return either == 0 ? 1 : Float(both) / Float(either)
}

/// The best IoU of `grid` with `scene` turned by 360°·k/turns, k = 0..<turns, and that turn in degrees.
public func bestTurnIoU(_ grid: [Bool], _ scene: AnalyticScene, resolution n: Int, turns: Int = 16) -> (iou: Float, degrees: Float) {
    (0..<turns).map { k in
        let degrees = 360 * Float(k) / Float(turns)
        return (occupancyIoU(grid, occupancyGrid(scene, resolution: n, turnedBy: degrees)), degrees)
    }.max { $0.0 < $1.0 }!
}

/// IoU of two silhouettes (opacity maps [H, W]), each thresholded at `threshold`.
public func silhouetteIoU(_ a: Tensor, _ b: Tensor, threshold: Float = 0.5) -> Float {
    precondition(a.shape == b.shape, "silhouettes of shapes \(a.shape) and \(b.shape)")
    return occupancyIoU(a.scalars.map { $0 > threshold }, b.scalars.map { $0 > threshold })
}
