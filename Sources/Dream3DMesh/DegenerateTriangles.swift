// DegenerateTriangles.swift — removal of triangles without area. Marching cubes makes them where a
// sample equals the threshold exactly (vertices of neighbouring edges land on that sample) and along the
// box's edges and corners, where the caps of two faces meet in vertices at the same positions
// (MarchingCubes.swift). Welding such vertices first, rather than only deleting the flat triangles, is
// what keeps the mesh closed: the flat strip between two caps collapses and the caps share its edge.

extension Mesh {
    /// Welds vertices joined by an edge of zero length (equal positions; the lower index survives with its
    /// attributes), then drops triangles whose indices repeat and triangles whose area is at most
    /// `relativeAreaTolerance` × (longest edge)² (collinear corners). Deleting a collinear triangle whose
    /// corners are distinct leaves a crack of that width; marching cubes makes none in general position.
    public func removingDegenerateTriangles(relativeAreaTolerance: Float = 1e-6) -> Mesh {
        var sets = UnionFind(count: positions.count)
        for t in triangles {
            let a = Int(t.x), b = Int(t.y), c = Int(t.z)
            if positions[a] == positions[b] { sets.union(a, b) }
            if positions[b] == positions[c] { sets.union(b, c) }
            if positions[c] == positions[a] { sets.union(c, a) }
        }
        var welded = self
        welded.triangles = triangles.map {
            SIMD3(UInt32(sets.find(Int($0.x))), UInt32(sets.find(Int($0.y))), UInt32(sets.find(Int($0.z))))
        }
        return welded.keepingTriangles { i in
            let t = welded.triangles[i]
            if t.x == t.y || t.y == t.z || t.z == t.x { return false }
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            let longest = Swift.max(dot(b - a, b - a), dot(c - b, c - b), dot(a - c, a - c))
            return length(cross(b - a, c - a)) > relativeAreaTolerance * longest
        }
    }
}
