// Shading.swift — DreamFusion's shading model (Poole et al. 2022, §3.1) as threestudio's
// DiffuseWithPointLightMaterial computes it: colour = albedo · (a + (1 − a)·max(0, n·l)), with ambient
// share a, unit normal n and unit direction l to a point light. "Textureless" replaces the albedo by
// white, so geometry alone must explain the image; "albedo" shows the unlit colour.
import Dream3DCore
import Foundation

/// How samples are lit.
public enum ShadingMode: String, Codable, Sendable, CaseIterable {
    /// Unlit albedo (DreamFusion's "albedo" pass).
    case albedo
    /// Albedo lit by ambient plus a lambertian point light.
    case lambertian
    /// White surface lit like `lambertian`: shape only.
    case textureless
}

/// A point light and the ambient share of the illumination.
public struct Lighting: Codable, Sendable, Equatable {
    public var position: SIMD3<Float>
    /// Share of ambient light a in a + (1 − a)·max(0, n·l); threestudio's default is 0.1.
    public var ambient: Float

    public init(position: SIMD3<Float>, ambient: Float = 0.1) {
        self.position = position
        self.ambient = ambient
    }

    /// The same light moved `degrees` round the up axis (z), as a camera's azimuth turns.
    public func turned(by degrees: Float) -> Lighting {
        let a = degrees * .pi / 180, p = position
        return Lighting(position: SIMD3(p.x * cos(a) - p.y * sin(a), p.x * sin(a) + p.y * cos(a), p.z), ambient: ambient)
    }

    /// DreamFusion's random light (threestudio random-camera data): direction = the camera position
    /// perturbed by N(0, perturbation²) and normalised, at a distance drawn from `distanceRange`.
    public static func random(around camera: Camera, perturbation: Float = 1, distanceRange: ClosedRange<Float> = 0.8...1.5,
                              ambient: Float = 0.1, using generator: inout SeededGenerator) -> Lighting {
        let noise = generator.normals(3)
        var direction = camera.position + perturbation * SIMD3(noise[0], noise[1], noise[2])
        direction /= max(1e-6, (direction * direction).sum().squareRoot())
        return Lighting(position: direction * generator.uniform(in: distanceRange), ambient: ambient)
    }

    /// The shading factor a + (1 − a)·max(0, n·l) for unit normal `n` at `point` (the analytic renderer's).
    public func factor(normal n: SIMD3<Float>, at point: SIMD3<Float>) -> Float {
        var l = position - point
        l /= max(1e-6, (l * l).sum().squareRoot())
        return ambient + (1 - ambient) * max(0, (n * l).sum())
    }
}

/// Shades samples on the tape: albedo [S, 3], unit normals [S, 3] and sample points [S, 3] (constant)
/// → colours [S, 3]. Gradients reach albedo and normals (and so the geometry the normals come from).
public func shade(albedo: Tensor, normals: Tensor?, points: [Float], lighting: Lighting, mode: ShadingMode) -> Tensor {
    guard mode != .albedo else { return albedo }
    guard let normals else { preconditionFailure("shading mode \(mode) needs normals") }
    let count = albedo.shape[0]
    var toLight = zeroedStorage(count * 3)
    for s in 0..<count {
        var l = lighting.position - SIMD3(points[3 * s], points[3 * s + 1], points[3 * s + 2])
        l /= max(1e-6, (l * l).sum().squareRoot())
        toLight[3 * s] = l.x; toLight[3 * s + 1] = l.y; toLight[3 * s + 2] = l.z
    }
    let lambert = (normals * Tensor(shape: [count, 3], scalars: toLight)).sum(axes: [1], keepDims: true).relu()
    let factor = lambert * (1 - lighting.ambient) + lighting.ambient
    return mode == .textureless ? factor * Tensor(repeating: 1, shape: [count, 3]) : albedo * factor
}
