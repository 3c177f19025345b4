// QualityGallery.swift — docs/gallery.png: every mesh of the quality gate from four sides, drawn from the
// exported mesh itself (MeshRasterizer.swift) with the orbit and light of a run's preview.png
// (Turntable.swift: elevation 15°, 55° field of view, a light at the camera with 0.3 ambient, white
// background), under its label. Each mesh is framed as the gate scores it (bounding-box centre at the
// origin, farthest point at 0.85), so a small object still fills its views and a person judges the
// shape that was measured; the cameras stand at distance 2 rather than 1.75 so that a framed object's
// near side (a mushroom's cap) stays inside the 55° view.
import Dream3DCore
import Dream3DMesh
import Dream3DScene
import Dream3DShapes

/// [3, H, W]: `columns` meshes per row, each as a label strip over its views from azimuth 0°, 90°, 180°
/// and 270° at `size`².
public func qualityGallery(_ meshes: [Mesh], labels: [String], size: Int = 128, columns: Int = 3) -> Tensor {
    precondition(meshes.count == labels.count && !meshes.isEmpty, "\(meshes.count) meshes with \(labels.count) labels")
    var sampler = CameraSampler()
    sampler.width = size
    sampler.height = size
    let cameras = sampler.orbit(views: 4, distance: 2)
    let tiles = zip(meshes, labels).map { mesh, label in
        let views = imageGrid(cameras.map { camera in
            mesh.framed(radius: ShapeLibrary.defaultFramingRadius)
                .render(camera: camera, lighting: Lighting(position: camera.position, ambient: 0.3), background: .one).image
        }, columns: 4)
        return Tensor.concatenate([textStrip(label, width: views.shape[2], scale: 2), views], axis: 1)
    }
    return imageGrid(tiles, columns: columns, padding: 8)
}
