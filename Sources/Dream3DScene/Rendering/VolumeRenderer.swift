// VolumeRenderer.swift — one image of the field from one camera, on the tape (DESIGN.md §2):
// rays → marched samples (occupancy grid skips empty cells) → densities without gradients, to find
// where each ray's transmittance falls below a threshold (early termination) → the field with
// gradients on the surviving samples only → shading → compositing → background.
import Dream3DCore

/// A rendered image and what the losses need from it.
public struct Render {
    /// [1, 3, H, W] colour composited over the background (NCHW, for the 2D prior).
    public var image: Tensor
    /// [R] accumulated opacity per ray (pixel), row-major.
    public var opacity: Tensor
    /// [R] expected distance along the ray.
    public var depth: Tensor
    /// [S] compositing weights of the samples that were evaluated.
    public var weights: Tensor
    /// [S, 3] unit normals when the shading needed them.
    public var normals: Tensor?
    public var samples: RaySamples
    /// [S, 3] flat: each sample's ray direction (for the orientation loss).
    public var sampleDirections: [Float]
    /// Samples the marcher produced before early termination pruned them.
    public var marchedSampleCount: Int
}

public final class VolumeRenderer {
    public let field: NeRFField
    public let occupancy: OccupancyGrid
    public var marcher: RayMarcher
    /// Samples behind a transmittance below this are not evaluated (nerfacc's early_stop_eps).
    public var earlyTermination: Float = 1e-4

    public init(field: NeRFField, marcher: RayMarcher = RayMarcher(), occupancyResolution: Int = 64) {
        self.field = field
        var marcher = marcher
        marcher.radius = field.configuration.radius
        self.marcher = marcher
        occupancy = OccupancyGrid(resolution: occupancyResolution, radius: field.configuration.radius)
    }

    /// Re-probes the occupancy grid with the current field (call every ~16 training steps).
    public func updateOccupancy(using generator: inout SeededGenerator) {
        occupancy.update(density: { points in withoutGrad { self.field.density(points).scalars } },
                         stepSize: marcher.stepSize, using: &generator)
    }

    /// Renders `camera`'s view. `jitter` draws one random step offset per ray from `generator`.
    public func render(_ camera: Camera, shading: ShadingMode, lighting: Lighting, background: Background,
                       jitter: Bool = true, using generator: inout SeededGenerator) -> Render {
        let rays = camera.rays()
        let marched = marcher.march(rays, occupancy: occupancy, offsets: jitter ? generator.uniforms(rays.count) : nil)
        let (samples, encoded) = terminatedEarly(marched)
        let evaluated = encoded.map { field(samples.points, encoded: $0, normals: shading != .albedo) }
            ?? field(samples.points, normals: shading != .albedo)
        let colors = shade(albedo: evaluated.albedo, normals: evaluated.normals, points: samples.points, lighting: lighting, mode: shading)
        let composited = composite(density: evaluated.density, color: colors, samples: samples)
        let behind = background.colors(directions: rays.directions)
        let transparency = 1 - composited.opacity.reshaped([rays.count, 1])
        let pixels = composited.color + transparency * behind                              // [R, 3]
        let image = pixels.reshaped([camera.height, camera.width, 3]).permuted([2, 0, 1]).reshaped([1, 3, camera.height, camera.width])
        var directions = zeroedStorage(samples.count * 3)
        for r in 0..<samples.rayCount { for i in samples.rayStarts[r]..<samples.rayStarts[r + 1] { for a in 0..<3 {
            directions[3 * i + a] = rays.directions[3 * r + a]
        } } }
        return Render(image: image, opacity: composited.opacity, depth: composited.depth, weights: composited.weights,
                      normals: evaluated.normals, samples: samples, sampleDirections: directions, marchedSampleCount: marched.count)
    }

    /// Drops each ray's samples behind the point where its transmittance (from densities evaluated
    /// without gradients) falls below `earlyTermination`; returns the kept samples' encoding too, so
    /// that the field does not encode them again (nil when nothing was evaluated).
    func terminatedEarly(_ samples: RaySamples) -> (samples: RaySamples, encoded: [Float]?) {
        guard earlyTermination > 0, samples.count > 0 else { return (samples, nil) }
        let (sigma, encoded) = field.densityWithoutGrad(samples.points)
        // Each ray keeps a prefix of its samples: those up to where transmittance falls below the threshold.
        var keptEnds = [Int]()
        keptEnds.reserveCapacity(samples.rayCount)
        for r in 0..<samples.rayCount {
            var transmittance: Float = 1, end = samples.rayStarts[r]
            while end < samples.rayStarts[r + 1] && transmittance >= earlyTermination {
                transmittance *= exp(-sigma[end] * samples.delta[end])
                end += 1
            }
            keptEnds.append(end)
        }
        if keptEnds == Array(samples.rayStarts.dropFirst()) { return (samples, encoded) }
        var kept = RaySamples(rayStarts: [0], t: [], delta: [], points: [])
        var keptIndices: [Int] = []
        kept.t.reserveCapacity(samples.count)
        keptIndices.reserveCapacity(samples.count)
        for r in 0..<samples.rayCount {
            let range = samples.rayStarts[r]..<keptEnds[r]
            kept.t += samples.t[range]
            kept.delta += samples.delta[range]
            kept.points += samples.points[(3 * range.lowerBound)..<(3 * range.upperBound)]
            keptIndices += range
            kept.rayStarts.append(kept.t.count)
        }
        return (kept, keptFeatures(encoded, of: keptIndices, among: samples.count))
    }

    /// The columns `indices` of a feature-major encoding [width][count] (HashGridEncoding's layout), one
    /// feature row after another, rows split between the cores.
    private func keptFeatures(_ encoded: [Float], of indices: [Int], among count: Int) -> [Float] {
        let width = field.encoding.configuration.outputDimension, kept = indices.count
        return storage(width * kept) { out in
            encoded.withUnsafeBufferPointer { encoded in
                parallelChunks(width, minChunk: 1) { features in
                    for d in features { for (j, i) in indices.enumerated() { out[d * kept + j] = encoded[d * count + i] } }
                }
            }
        }
    }
}

import Foundation
