// MeshMeasures.swift — area, enclosed volume and bounding box of a mesh, summed in Double so that a
// million small triangles do not lose the total to Float rounding.

extension Mesh {
    /// Σ over triangles of ½ |(b − a) × (c − a)|, in scene units².
    public var surfaceArea: Double {
        var sum = 0.0
        for t in triangles {
            let (a, b, c) = corners(t)
            sum += 0.5 * length(cross(b - a, c - a))
        }
        return sum
    }

    /// Σ over triangles of a · (b × c) / 6 (divergence theorem): the volume enclosed by a closed mesh,
    /// positive when the triangles face outward, negative when they face inward.
    public var signedVolume: Double {
        var sum = 0.0
        for t in triangles {
            let (a, b, c) = corners(t)
            sum += dot(a, cross(b, c)) / 6
        }
        return sum
    }

    /// The smallest box holding every vertex; nil for a mesh without vertices.
    public var boundingBox: AxisAlignedBox? {
        guard var low = positions.first else { return nil }
        var high = low
        for p in positions { low = pointwiseMin(low, p); high = pointwiseMax(high, p) }
        return AxisAlignedBox(min: low, max: high)
    }

    func corners(_ t: SIMD3<UInt32>) -> (SIMD3<Double>, SIMD3<Double>, SIMD3<Double>) {
        (SIMD3<Double>(positions[Int(t.x)]), SIMD3<Double>(positions[Int(t.y)]), SIMD3<Double>(positions[Int(t.z)]))
    }
}

// Small vector helpers shared by the mesh code (the standard library has no cross or dot for SIMD3).
@inline(__always) func cross<T: FloatingPoint & SIMDScalar>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> SIMD3<T> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) func dot<T: FloatingPoint & SIMDScalar>(_ a: SIMD3<T>, _ b: SIMD3<T>) -> T {
    a.x * b.x + a.y * b.y + a.z * b.z
}
@inline(__always) func length<T: FloatingPoint & SIMDScalar>(_ a: SIMD3<T>) -> T { dot(a, a).squareRoot() }
