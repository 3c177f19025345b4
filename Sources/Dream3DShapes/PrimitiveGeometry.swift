// PrimitiveGeometry.swift — what the library needs to know about a placed primitive beyond its
// distance: a rotation from an axis, bounds (for framing instances and for skipping far primitives
// while tracing), and uniform scaling. Bounds are conservative: no point of the shape lies outside.
import Dream3DScene

@inline(__always) func norm(_ v: SIMD3<Float>) -> Float { (v * v).sum().squareRoot() }
@inline(__always) func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// Rows of the smallest rotation taking local +z to `axis` (Rodrigues about z × axis), the form
/// `ColoredPrimitive.rotation` takes. The smallest rotation commutes with mirroring in y, so a
/// mirrored part is the mirror image of the original, boxes included.
func rotationRows(zTo axis: SIMD3<Float>) -> [SIMD3<Float>] {
    let a = axis / max(1e-12, norm(axis))
    let c = a.z                                     // cos of the angle between z and a
    if c > 1 - 1e-7 { return [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] }
    if c < -1 + 1e-7 { return [SIMD3(1, 0, 0), SIMD3(0, -1, 0), SIMD3(0, 0, -1)] }   // half turn about x
    // R = I + [k]ₓ + [k]ₓ² / (1 + c) with k = z × a = (−a.y, a.x, 0).
    let kx = -a.y, ky = a.x, f = 1 / (1 + c)
    return [SIMD3(1 - ky * ky * f, kx * ky * f, ky),
            SIMD3(kx * ky * f, 1 - kx * kx * f, -kx),
            SIMD3(-ky, kx, c)]
}

extension SignedDistanceShape {
    /// Distance from the local origin to the farthest point of the shape.
    var boundingRadius: Float {
        switch self {
        case let .sphere(r): r
        case let .ellipsoid(r): r.max()
        case let .roundedBox(b, _): norm(b)
        case let .cylinder(r, h): (r * r + h * h).squareRoot()
        case let .cone(r1, r2, h): (max(r1, r2) * max(r1, r2) + h * h).squareRoot()
        case let .torus(major, minor): major + minor
        case let .capsule(a, b, r): max(norm(a), norm(b)) + r
        }
    }

    /// Local axis-aligned bounds (lower and upper corners).
    var localBounds: (lower: SIMD3<Float>, upper: SIMD3<Float>) {
        switch self {
        case let .sphere(r): (SIMD3(repeating: -r), SIMD3(repeating: r))
        case let .ellipsoid(r): (-r, r)
        case let .roundedBox(b, _): (-b, b)
        case let .cylinder(r, h): (SIMD3(-r, -r, -h), SIMD3(r, r, h))
        case let .cone(r1, r2, h): (SIMD3(-max(r1, r2), -max(r1, r2), -h), SIMD3(max(r1, r2), max(r1, r2), h))
        case let .torus(major, minor): (SIMD3(-major - minor, -major - minor, -minor), SIMD3(major + minor, major + minor, minor))
        case let .capsule(a, b, r): (pointwiseMin(a, b) - r, pointwiseMax(a, b) + r)
        }
    }

    /// The same shape with every length multiplied by `s`.
    func scaled(by s: Float) -> SignedDistanceShape {
        switch self {
        case let .sphere(r): .sphere(radius: r * s)
        case let .ellipsoid(r): .ellipsoid(radii: r * s)
        case let .roundedBox(b, rounding): .roundedBox(halfSize: b * s, rounding: rounding * s)
        case let .cylinder(r, h): .cylinder(radius: r * s, halfHeight: h * s)
        case let .cone(r1, r2, h): .cone(bottom: r1 * s, top: r2 * s, halfHeight: h * s)
        case let .torus(major, minor): .torus(major: major * s, minor: minor * s)
        case let .capsule(a, b, r): .capsule(a: a * s, b: b * s, radius: r * s)
        }
    }
}

extension ColoredPrimitive {
    /// Centre and radius of a sphere holding the primitive. The centre is the middle of its local
    /// bounds, so an off-centre capsule gets a tight sphere.
    var boundingSphere: (center: SIMD3<Float>, radius: Float) {
        let (lower, upper) = shape.localBounds
        let middle = (lower + upper) / 2
        let radius: Float
        switch shape {
        case let .capsule(a, b, r): radius = max(norm(a - middle), norm(b - middle)) + r
        default: radius = shape.boundingRadius + norm(middle)
        }
        return (center + rotated(middle), radius)
    }

    /// World axis-aligned bounds: the eight corners of the local bounds, rotated.
    var worldBounds: (lower: SIMD3<Float>, upper: SIMD3<Float>) {
        let (l, u) = shape.localBounds
        var lower = SIMD3<Float>(repeating: .infinity), upper = SIMD3<Float>(repeating: -.infinity)
        for i in 0..<8 {
            let corner = SIMD3(i & 1 == 0 ? l.x : u.x, i & 2 == 0 ? l.y : u.y, i & 4 == 0 ? l.z : u.z)
            let p = center + rotated(corner)
            lower = pointwiseMin(lower, p)
            upper = pointwiseMax(upper, p)
        }
        return (lower, upper)
    }

    /// Distance from world point q to the farthest point of the primitive: exact for spheres,
    /// boxes without rounding, cylinders, cones, tori and capsules (their farthest points lie on
    /// corners, rim circles or end caps), an upper bound for ellipsoids (centre distance plus the
    /// longest semi-axis) and rounded boxes. Framing uses it, so objects fill the frame they claim.
    func farthestDistance(from q: SIMD3<Float>) -> Float {
        let d = q - center
        // Rᵀd: the components of d along the local axes (the columns of R).
        let l = SIMD3(rotation[0].x * d.x + rotation[1].x * d.y + rotation[2].x * d.z,
                      rotation[0].y * d.x + rotation[1].y * d.y + rotation[2].y * d.z,
                      rotation[0].z * d.x + rotation[1].z * d.y + rotation[2].z * d.z)
        let rho = (l.x * l.x + l.y * l.y).squareRoot()
        func hypot(_ a: Float, _ b: Float) -> Float { (a * a + b * b).squareRoot() }
        switch shape {
        case let .sphere(r): return norm(l) + r
        case let .ellipsoid(r): return norm(l) + r.max()
        case let .roundedBox(b, _): return norm(pointwiseMax(l, -l) + b)
        case let .cylinder(r, h): return hypot(rho + r, abs(l.z) + h)
        case let .cone(r1, r2, h): return max(hypot(rho + r1, l.z + h), hypot(rho + r2, l.z - h))
        case let .torus(major, minor): return hypot(rho + major, l.z) + minor
        case let .capsule(a, b, r): return max(norm(a - l), norm(b - l)) + r
        }
    }

    /// A local vector in world axes (R·v, R given by rows).
    func rotated(_ v: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((rotation[0] * v).sum(), (rotation[1] * v).sum(), (rotation[2] * v).sum())
    }
}

extension AnalyticScene {
    /// The scene moved and scaled about the origin: world point (x − centre)·scale for every point x, the
    /// transform framing applies (ShapeFamily's, and the quality gate's re-framing of a family's shape).
    public func reframed(centre: SIMD3<Float>, scale: Float) -> AnalyticScene {
        AnalyticScene(primitives.map { p in
            ColoredPrimitive(p.shape.scaled(by: scale), at: (p.center - centre) * scale, rotation: p.rotation, color: p.color)
        })
    }
}
