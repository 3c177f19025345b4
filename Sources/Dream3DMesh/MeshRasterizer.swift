// MeshRasterizer.swift — pictures of a mesh itself: its triangles seen by a pinhole `Camera` with a
// z-buffer, shaded with the analytic renderers' lambertian model (`Lighting.factor`) and the mesh's vertex
// colours, k×k supersampled and averaged like Dream3DShapes' InstanceTracer, so that a mesh and the
// procedural shape it came from render alike. Issue 9's quality gate draws its silhouettes and gallery
// with it: what the user's mesh.obj looks like, not the field it was extracted from.
//
// Pixel centres and orientation are Camera.rays()': row 0 at the top, columns to the camera's right.
// Inverse depth is affine in screen space, so it is interpolated linearly for the depth test and the
// barycentric weights are made perspective-correct with it. No back-face culling: the depth test
// keeps the nearest surface, so an open mesh shows its inside rather than a hole.
import Dream3DCore
import Dream3DScene

extension Mesh {
    /// Renders the mesh: image [3, H, W] in [0, 1] (vertex colours lit by `lighting`, white for a mesh
    /// without colours, `background` where no triangle is seen) and opacity [H, W], the share of each
    /// pixel's k×k samples that hit a triangle. H and W are the camera's.
    public func render(camera: Camera, lighting: Lighting, background: SIMD3<Float>, supersampling k: Int = 2) -> (image: Tensor, opacity: Tensor) {
        precondition(k >= 1, "supersampling \(k)")
        let width = camera.width * k, height = camera.height * k
        let f = camera.focalLength * Float(k), m = camera.cameraToWorld
        let right = SIMD3(m[0], m[1], m[2]), up = SIMD3(m[4], m[5], m[6]), back = SIMD3(m[8], m[9], m[10])
        let eye = SIMD3(m[12], m[13], m[14])
        // Each vertex in fine-pixel coordinates with its inverse depth (≤ 0: behind the camera).
        var screen = [SIMD2<Float>](), inverseDepth = [Float]()
        screen.reserveCapacity(positions.count)
        inverseDepth.reserveCapacity(positions.count)
        for p in positions {
            let d = p - eye, depth = -dot(d, back)
            screen.append(SIMD2(Float(width) / 2 + f * dot(d, right) / depth, Float(height) / 2 - f * dot(d, up) / depth))
            inverseDepth.append(1 / depth)
        }
        var nearest = [Float](repeating: 0, count: width * height)        // inverse depth of the surface kept; 0: none
        var triangleAt = [Int](repeating: -1, count: width * height)
        var weightsAt = [SIMD3<Float>](repeating: .zero, count: width * height)
        for (index, t) in triangles.enumerated() {
            let ia = Int(t.x), ib = Int(t.y), ic = Int(t.z)
            let za = inverseDepth[ia], zb = inverseDepth[ib], zc = inverseDepth[ic]
            guard za > 0, zb > 0, zc > 0, za.isFinite, zb.isFinite, zc.isFinite else { continue }   // behind the camera
            let a = screen[ia], b = screen[ib], c = screen[ic]
            let area = cross2(b - a, c - a)
            guard area != 0 else { continue }
            let low = pointwiseMin(a, pointwiseMin(b, c)), high = pointwiseMax(a, pointwiseMax(b, c))
            // Pixels whose centre (x + 0.5, y + 0.5) lies in the triangle's bounding box.
            let x0 = max(0, Int((low.x - 0.5).rounded(.up))), x1 = min(width - 1, Int((high.x - 0.5).rounded(.down)))
            let y0 = max(0, Int((low.y - 0.5).rounded(.up))), y1 = min(height - 1, Int((high.y - 0.5).rounded(.down)))
            guard x0 <= x1, y0 <= y1 else { continue }
            for y in y0...y1 {
                for x in x0...x1 {
                    let p = SIMD2(Float(x) + 0.5, Float(y) + 0.5)
                    let wa = cross2(b - p, c - p) / area, wb = cross2(c - p, a - p) / area, wc = 1 - wa - wb
                    guard wa >= 0, wb >= 0, wc >= 0 else { continue }
                    let z = wa * za + wb * zb + wc * zc, pixel = y * width + x
                    guard z > nearest[pixel] else { continue }
                    nearest[pixel] = z
                    triangleAt[pixel] = index
                    weightsAt[pixel] = SIMD3(wa * za, wb * zb, wc * zc) / z
                }
            }
        }
        let plane = camera.width * camera.height, share = 1 / Float(k * k)
        var image = [Float](repeating: 0, count: 3 * plane), opacity = [Float](repeating: 0, count: plane)
        for y in 0..<camera.height {
            for x in 0..<camera.width {
                var rgb = SIMD3<Float>.zero, hits: Float = 0
                for dy in 0..<k {
                    for dx in 0..<k {
                        let pixel = (y * k + dy) * width + x * k + dx
                        guard triangleAt[pixel] >= 0 else { rgb += background; continue }
                        rgb += shadedColour(triangle: triangles[triangleAt[pixel]], weights: weightsAt[pixel], lighting: lighting)
                        hits += 1
                    }
                }
                image[y * camera.width + x] = rgb.x * share
                image[plane + y * camera.width + x] = rgb.y * share
                image[2 * plane + y * camera.width + x] = rgb.z * share
                opacity[y * camera.width + x] = hits * share
            }
        }
        return (Tensor(shape: [3, camera.height, camera.width], scalars: image),
                Tensor(shape: [camera.height, camera.width], scalars: opacity))
    }

    /// The lit colour of the surface point with barycentric `weights` in `triangle`: smooth normals when
    /// the mesh has them, else the face normal.
    private func shadedColour(triangle t: SIMD3<UInt32>, weights w: SIMD3<Float>, lighting: Lighting) -> SIMD3<Float> {
        let a = Int(t.x), b = Int(t.y), c = Int(t.z)
        let point = w.x * positions[a] + w.y * positions[b] + w.z * positions[c]
        var normal = normals.isEmpty ? cross(positions[b] - positions[a], positions[c] - positions[a])
                                     : w.x * normals[a] + w.y * normals[b] + w.z * normals[c]
        normal /= max(1e-12, length(normal))
        let albedo = colors.isEmpty ? SIMD3<Float>.one : w.x * colors[a] + w.y * colors[b] + w.z * colors[c]
        return albedo * lighting.factor(normal: normal, at: point)
    }
}

@inline(__always) private func cross2(_ u: SIMD2<Float>, _ v: SIMD2<Float>) -> Float { u.x * v.y - u.y * v.x }
