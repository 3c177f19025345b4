// PluckerRays.swift — per-pixel Plücker coordinates of a camera's rays, the camera conditioning
// issue 9 ranks first: concatenated to the U-Net input they hand the network each pixel's ray in
// world space, where one global camera vector (the probe's) was ignored. A ray through o with unit
// direction d is (d, m) with moment m = o × d: independent of the point chosen on the ray, d·m = 0,
// and |m| is the ray's distance from the origin (Plücker 1865; as used by e.g. Sitzmann et al.
// 2021, "Light Field Networks", and SPAD / CAT3D for multi-view diffusion).
import Dream3DCore
import Dream3DScene
import Foundation

/// [6, H, W] for the camera's own width and height: channels 0–2 the unit ray direction d, 3–5 the
/// moment o × d, through pixel centres, rows from the top (Camera.rays' convention).
public func pluckerRays(_ camera: Camera) -> Tensor {
    let width = camera.width, height = camera.height, plane = width * height
    let f = camera.focalLength, m = camera.cameraToWorld
    let right = SIMD3(m[0], m[1], m[2]), up = SIMD3(m[4], m[5], m[6]), back = SIMD3(m[8], m[9], m[10])
    let o = SIMD3(m[12], m[13], m[14])
    var out = [Float](repeating: 0, count: 6 * plane)
    for row in 0..<height {
        for column in 0..<width {
            let x = (Float(column) + 0.5 - Float(width) / 2) / f
            let y = -(Float(row) + 0.5 - Float(height) / 2) / f
            var d = right * x + up * y - back
            d /= norm(d)
            let moment = cross(o, d), p = row * width + column
            for c in 0..<3 {
                out[c * plane + p] = d[c]
                out[(3 + c) * plane + p] = moment[c]
            }
        }
    }
    return Tensor(shape: [6, height, width], scalars: out)
}
