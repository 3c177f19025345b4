// SignedDistance.swift — coloured signed-distance primitives: the analytic scenes that test the
// renderer and, rendered by the sphere tracer, make the built-in prior's training set. Distance
// formulas are Inigo Quilez's ("distance functions", iquilezles.org), exact except the ellipsoid
// (his bound, exact on the surface). Local frames are z-up, centred on the primitive.

/// A shape in its local frame.
public enum SignedDistanceShape: Codable, Sendable, Equatable {
    case sphere(radius: Float)
    /// Semi-axes along local x, y, z.
    case ellipsoid(radii: SIMD3<Float>)
    /// Half extents along local x, y, z, edges rounded by `rounding`.
    case roundedBox(halfSize: SIMD3<Float>, rounding: Float)
    /// Axis z, from −halfHeight to +halfHeight.
    case cylinder(radius: Float, halfHeight: Float)
    /// Axis z: radius `bottom` at −halfHeight to `top` at +halfHeight.
    case cone(bottom: Float, top: Float, halfHeight: Float)
    /// In the local xy plane around z.
    case torus(major: Float, minor: Float)
    /// Segment from a to b, radius r.
    case capsule(a: SIMD3<Float>, b: SIMD3<Float>, radius: Float)

    /// Signed distance at local point p (negative inside).
    public func distance(_ p: SIMD3<Float>) -> Float {
        switch self {
        case let .sphere(r):
            return length(p) - r
        case let .ellipsoid(r):
            let k0 = length(p / r), k1 = length(p / (r * r))
            return k1 > 0 ? k0 * (k0 - 1) / k1 : -min(r.x, min(r.y, r.z))
        case let .roundedBox(b, rounding):
            let q = pointwiseMax(p, -p) - b + rounding
            return length(pointwiseMax(q, .zero)) + min(max(q.x, max(q.y, q.z)), 0) - rounding
        case let .cylinder(r, h):
            let d = SIMD2(length(SIMD2(p.x, p.y)) - r, abs(p.z) - h)
            return min(max(d.x, d.y), 0) + length(pointwiseMax(d, .zero))
        case let .cone(r1, r2, h):
            let q = SIMD2(length(SIMD2(p.x, p.y)), p.z)
            let k1 = SIMD2(r2, h), k2 = SIMD2(r2 - r1, 2 * h)
            let ca = SIMD2(q.x - min(q.x, q.y < 0 ? r1 : r2), abs(q.y) - h)
            let cb = q - k1 + k2 * min(max(dot(k1 - q, k2) / dot(k2, k2), 0), 1)
            let sign: Float = cb.x < 0 && ca.y < 0 ? -1 : 1
            return sign * min(dot(ca, ca), dot(cb, cb)).squareRoot()
        case let .torus(major, minor):
            return length(SIMD2(length(SIMD2(p.x, p.y)) - major, p.z)) - minor
        case let .capsule(a, b, r):
            let pa = p - a, ba = b - a
            let h = min(max(dot(pa, ba) / dot(ba, ba), 0), 1)
            return length(pa - ba * h) - r
        }
    }
}

/// A shape placed in the world with a colour: world point x maps to local point Rᵀ(x − centre).
public struct ColoredPrimitive: Codable, Sendable, Equatable {
    public var shape: SignedDistanceShape
    public var center: SIMD3<Float>
    /// Local-to-world rotation, rows of a 3×3 matrix.
    public var rotation: [SIMD3<Float>]
    /// Albedo in [0, 1].
    public var color: SIMD3<Float>

    public init(_ shape: SignedDistanceShape, at center: SIMD3<Float> = .zero, rotation: [SIMD3<Float>] = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)],
                color: SIMD3<Float>) {
        self.shape = shape
        self.center = center
        self.rotation = rotation
        self.color = color
    }

    /// Signed distance at world point x.
    public func distance(_ x: SIMD3<Float>) -> Float {
        let d = x - center
        // Rᵀd: the components of d along the local axes (the columns of R).
        let local = SIMD3(rotation[0].x * d.x + rotation[1].x * d.y + rotation[2].x * d.z,
                          rotation[0].y * d.x + rotation[1].y * d.y + rotation[2].y * d.z,
                          rotation[0].z * d.x + rotation[1].z * d.y + rotation[2].z * d.z)
        return shape.distance(local)
    }
}

/// A union of coloured primitives: distance is the minimum, colour the nearest primitive's.
public struct AnalyticScene: Codable, Sendable, Equatable {
    public var primitives: [ColoredPrimitive]
    public init(_ primitives: [ColoredPrimitive]) { self.primitives = primitives }

    /// Distance to the union and the colour of the nearest primitive.
    public func distanceAndColor(_ x: SIMD3<Float>) -> (distance: Float, color: SIMD3<Float>) {
        var best = (distance: Float.infinity, color: SIMD3<Float>(repeating: 0))
        for primitive in primitives {
            let d = primitive.distance(x)
            if d < best.distance { best = (d, primitive.color) }
        }
        return best
    }

    /// Outward unit normal at x from central differences of the distance (step 1e-3).
    public func normal(_ x: SIMD3<Float>) -> SIMD3<Float> {
        let h: Float = 1e-3
        func d(_ dx: Float, _ dy: Float, _ dz: Float) -> Float { distanceAndColor(x + SIMD3(dx, dy, dz)).distance }
        let g = SIMD3(d(h, 0, 0) - d(-h, 0, 0), d(0, h, 0) - d(0, -h, 0), d(0, 0, h) - d(0, 0, -h))
        return g / max(1e-12, length(g))
    }
}

@inline(__always) func length(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }
@inline(__always) func length(_ v: SIMD2<Float>) -> Float { (v * v).sum().squareRoot() }
@inline(__always) func dot(_ a: SIMD2<Float>, _ b: SIMD2<Float>) -> Float { (a * b).sum() }
@inline(__always) func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
