// SphereTracer.swift — renders an AnalyticScene by sphere tracing (Hart 1996): step along each ray by
// the signed distance until it falls below a tolerance. Same cameras and shading model as the NeRF
// renderer, so its images are ground truth for it. Rays that miss the scene's bounding sphere are
// skipped outright (most background pixels), the cheap part of the probe's 4–6× speed-up (DESIGN §9).
import Dream3DCore

/// What the analytic renderer returns: colour composited over the background, coverage, depth.
public struct AnalyticRender {
    /// [3, H, W] in [0, 1].
    public var image: Tensor
    /// [H, W]: fraction of each pixel's sub-samples that hit the surface.
    public var opacity: Tensor
    /// [H, W]: mean distance along the ray to the hit over the sub-samples that hit (0 where none).
    public var depth: Tensor
}

public struct SphereTracer: Sendable {
    public var maxSteps = 128
    /// The scene lies inside this sphere around the origin.
    public var boundingRadius: Float = 1
    /// Hit when the distance falls below this fraction of the distance travelled (scale-aware).
    public var tolerance: Float = 1e-4
    public init() {}

    /// Renders `scene` seen by `camera`. With `supersampling` k the image is traced at k× resolution
    /// and average-pooled (anti-aliasing, as the built-in prior's dataset is made).
    public func render(_ scene: AnalyticScene, camera: Camera, lighting: Lighting, mode: ShadingMode,
                       background: SIMD3<Float>, supersampling k: Int = 1) -> AnalyticRender {
        var fine = camera
        fine.width *= k
        fine.height *= k
        let rays = fine.rays(), pixels = rays.count
        var color = zeroedStorage(pixels * 3), hit = zeroedStorage(pixels)
        var depth = zeroedStorage(pixels)
        color.withUnsafeMutableBufferPointer { c in
            hit.withUnsafeMutableBufferPointer { h in
                depth.withUnsafeMutableBufferPointer { d in
                    let c = c.baseAddress!, h = h.baseAddress!, d = d.baseAddress!
                    parallelChunks(pixels, minChunk: 256) { range in
                        for r in range {
                            let o = SIMD3(rays.origins[3 * r], rays.origins[3 * r + 1], rays.origins[3 * r + 2])
                            let v = SIMD3(rays.directions[3 * r], rays.directions[3 * r + 1], rays.directions[3 * r + 2])
                            var rgb = background
                            if let t = trace(scene, origin: o, direction: v) {
                                let x = o + t * v, surface = scene.distanceAndColor(x)
                                let lit = mode == .albedo ? 1 : lighting.factor(normal: scene.normal(x), at: x)
                                rgb = (mode == .textureless ? SIMD3(repeating: 1) : surface.color) * lit
                                h[r] = 1
                                d[r] = t
                            }
                            c[3 * r] = rgb.x; c[3 * r + 1] = rgb.y; c[3 * r + 2] = rgb.z
                        }
                    }
                }
            }
        }
        return pooled(color: color, hit: hit, depth: depth, width: camera.width, height: camera.height, factor: k)
    }

    /// Distance along the ray to the surface, or nil when the ray misses.
    func trace(_ scene: AnalyticScene, origin o: SIMD3<Float>, direction v: SIMD3<Float>) -> Float? {
        // Entry and exit of the bounding sphere: |o + tv|² = R² (v is a unit vector).
        let b = dot(o, v), c = dot(o, o) - boundingRadius * boundingRadius, disc = b * b - c
        guard disc > 0 else { return nil }
        var t = max(0, -b - disc.squareRoot())
        let far = -b + disc.squareRoot()
        for _ in 0..<maxSteps {
            let d = scene.distanceAndColor(o + t * v).distance
            if d < tolerance * max(1, t) { return t }
            t += d
            if t > far { return nil }
        }
        return nil
    }

    /// Average-pools k×k blocks of the traced buffers into the output tensors.
    private func pooled(color: [Float], hit: [Float], depth: [Float], width: Int, height: Int, factor k: Int) -> AnalyticRender {
        var image = zeroedStorage(3 * width * height), opacity = zeroedStorage(width * height)
        var meanDepth = zeroedStorage(width * height)
        let fineWidth = width * k, share = 1 / Float(k * k)
        for y in 0..<height { for x in 0..<width {
            var hits: Float = 0, depthSum: Float = 0
            for dy in 0..<k { for dx in 0..<k {
                let f = (y * k + dy) * fineWidth + x * k + dx
                for channel in 0..<3 { image[(channel * height + y) * width + x] += color[3 * f + channel] * share }
                hits += hit[f]
                depthSum += depth[f]
            } }
            opacity[y * width + x] = hits * share
            meanDepth[y * width + x] = hits > 0 ? depthSum / hits : 0
        } }
        return AnalyticRender(image: Tensor(shape: [3, height, width], scalars: image),
                              opacity: Tensor(shape: [height, width], scalars: opacity),
                              depth: Tensor(shape: [height, width], scalars: meanDepth))
    }
}
