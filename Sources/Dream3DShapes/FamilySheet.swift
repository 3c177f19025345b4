// FamilySheet.swift — one picture of the whole library: every family at mean proportions in its
// default colour, from azimuths 0°, 90°, 180° and 270° (front, left side, back, right side), so a
// person can check at a glance that each is nameable and turns as a 3D object should.
// docs/shapes.png is this sheet (regenerate: DREAM3D_WRITE_SHAPES_PNG=1 swift test … --filter familySheet).
import Dream3DCore
import Dream3DScene

/// [3, H, W]: `columns` families per row, each as 4 views of `size`² (traced at 2× and pooled).
public func familySheet(_ library: ShapeLibrary, size: Int = 64, columns: Int = 2, elevation: Float = 15) -> Tensor {
    let tracer = InstanceTracer()
    var views: [Tensor] = []
    for family in library.families {
        let scene = TracedScene(family.meanInstance(colour: nil))
        for k in 0..<4 {
            let camera = Camera(elevation: elevation, azimuth: Float(90 * k), distance: 1.75, fovy: 45 * .pi / 180, width: size, height: size)
            // Light from the upper front-left of the camera, fixed, so views compare like for like.
            let light = Lighting(position: camera.position + SIMD3(0, 0, 1.2), ambient: 0.25)
            views.append(tracer.render(scene, camera: camera, lighting: light, background: SIMD3(0.82, 0.84, 0.88)).image)
        }
    }
    return imageGrid(views, columns: 4 * columns, padding: 2, background: 1)
}
