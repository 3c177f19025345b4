// RayMarcher.swift — where along each ray the field is sampled: fixed-length steps through the
// scene box (nerfacc's render_step_size = 2√3·radius / samplesPerRay), all shifted by one random
// offset per ray (stratified jitter, so training sees every depth), skipping empty occupancy cells.
import Dream3DCore

public struct RayMarcher: Codable, Sendable, Equatable {
    /// Steps across the box's diagonal; the step length is 2√3·radius / samplesPerRay.
    public var samplesPerRay = 128
    public var radius: Float = 1
    public init() {}

    public var stepSize: Float { 2 * Float(3).squareRoot() * radius / Float(samplesPerRay) }

    /// Samples of every ray inside the box and in occupied cells. `offsets` (one in [0, 1) per ray)
    /// shift each ray's steps; without them samples sit at step midpoints.
    public func march(_ rays: Rays, occupancy: OccupancyGrid?, offsets: [Float]? = nil) -> RaySamples {
        // Rays are independent: chunks of them are marched in parallel and joined in ray order.
        RaySamples(joining: parallelChunkResults(rays.count, minChunk: 256, maxChunks: 16) { range in
            march(rays, range, occupancy: occupancy, offsets: offsets)
        })
    }

    /// `march` for the rays in `range` alone.
    private func march(_ rays: Rays, _ range: Range<Int>, occupancy: OccupancyGrid?, offsets: [Float]?) -> RaySamples {
        let step = stepSize
        var samples = RaySamples(rayStarts: [0], t: [], delta: [], points: [])
        for r in range {
            let o = SIMD3(rays.origins[3 * r], rays.origins[3 * r + 1], rays.origins[3 * r + 2])
            let d = SIMD3(rays.directions[3 * r], rays.directions[3 * r + 1], rays.directions[3 * r + 2])
            if let (near, far) = boxIntersection(origin: o, direction: d) {
                var t = near + (offsets?[r] ?? 0.5) * step
                while t < far {
                    let x = o + t * d
                    if occupancy?.isOccupied(x.x, x.y, x.z) ?? true {
                        samples.t.append(t)
                        samples.delta.append(step)
                        samples.points.append(x.x)
                        samples.points.append(x.y)
                        samples.points.append(x.z)
                    }
                    t += step
                }
            }
            samples.rayStarts.append(samples.t.count)
        }
        return samples
    }

    /// Entry and exit distances of the ray through [−radius, radius]³ (slab method), entry ≥ 0.
    func boxIntersection(origin o: SIMD3<Float>, direction d: SIMD3<Float>) -> (Float, Float)? {
        var near: Float = 0, far = Float.infinity
        for a in 0..<3 {
            let inverse = 1 / d[a]
            var t0 = (-radius - o[a]) * inverse, t1 = (radius - o[a]) * inverse
            if t0 > t1 { swap(&t0, &t1) }
            near = max(near, t0)
            far = min(far, t1)
        }
        return near < far ? (near, far) : nil
    }
}
