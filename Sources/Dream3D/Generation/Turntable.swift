// Turntable.swift — views of a trained field round the up axis, for a run's preview.png and
// `dream3d render`. The light sits at the camera (every visible side lit) with a third of ambient, on
// a white background; no jitter, so the same field gives the same pixels.
import Dream3DCore
import Dream3DScene

/// `views` images [3, size, size] in [0, 1] of `field`, evenly spaced in azimuth from the front.
public func turntable(_ field: NeRFField, marcher: RayMarcher, views: Int, size: Int, elevation: Float = 15) -> [Tensor] {
    let renderer = VolumeRenderer(field: field, marcher: marcher)
    var generator = SeededGenerator(seed: 0).split("turntable")
    renderer.updateOccupancy(using: &generator)
    var sampler = CameraSampler()
    sampler.width = size
    sampler.height = size
    return sampler.orbit(views: views, elevation: elevation).map { camera in
        let image = withoutGrad {
            renderer.render(camera, shading: .lambertian, lighting: Lighting(position: camera.position, ambient: 0.3),
                            background: .solid(SIMD3(1, 1, 1)), jitter: false, using: &generator).image
        }
        return image.reshaped([3, size, size])
    }
}
