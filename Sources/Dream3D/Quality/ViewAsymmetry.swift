// ViewAsymmetry.swift — how much an object's silhouette changes when it turns a quarter: the mean
// silhouette IoU of views 90° apart (issue 9, item 5 (c); the feasibility probe measured 0.92 for its
// generated teddy bear against 0.67 for a real one, DESIGN.md §9). A surface of revolution scores 1; a
// mug's handle, a duck's beak or a car's length bring it down.
//
// Eight views 45° apart at elevation 15°, distance 1.75 and a 45° field of view (the family sheet's and
// the prior's framing), each paired with the view a quarter turn further on, so the figure hardly
// depends on the object's yaw: a turn by a multiple of 45° only reorders the pairs. A mesh is drawn by
// the mesh rasteriser, a procedural shape by the dataset's sphere tracer, both at 64² with 2×2 samples
// per pixel, and `silhouetteIoU` thresholds their coverage at one half.
import Dream3DCore
import Dream3DMesh
import Dream3DScene
import Dream3DShapes

/// Views of the asymmetry figure; view i is at azimuth 360°·i / asymmetryViews.
let asymmetryViews = 8

private func asymmetryCamera(_ view: Int) -> Camera {
    Camera(elevation: 15, azimuth: 360 * Float(view) / Float(asymmetryViews), distance: 1.75, fovy: 45 * .pi / 180,
           width: 64, height: 64)
}

/// Mean silhouette IoU of the mesh's views 90° apart, as it stands in the world frame.
public func viewAsymmetry(of mesh: Mesh) -> Float {
    quarterTurnOverlap((0..<asymmetryViews).map { view in
        let camera = asymmetryCamera(view)
        return mesh.render(camera: camera, lighting: Lighting(position: camera.position), background: .zero).opacity
    })
}

/// Mean silhouette IoU of the scene's views 90° apart.
public func viewAsymmetry(of scene: AnalyticScene) -> Float {
    let traced = TracedScene(scene), tracer = InstanceTracer()
    return quarterTurnOverlap((0..<asymmetryViews).map { view in
        let camera = asymmetryCamera(view)
        return tracer.render(traced, camera: camera, lighting: Lighting(position: camera.position), background: .zero).opacity
    })
}

/// Silhouette IoU of view i with view i + a quarter turn, averaged over i.
private func quarterTurnOverlap(_ silhouettes: [Tensor]) -> Float {
    let quarter = asymmetryViews / 4
    return (0..<asymmetryViews).map { silhouetteIoU(silhouettes[$0], silhouettes[($0 + quarter) % asymmetryViews]) }
        .reduce(0, +) / Float(asymmetryViews)
}
