// DegenerateTriangles.swift — removal of triangles without area. Marching cubes makes them where a
// sample equals the threshold exactly (vertices of neighbouring edges land on that sample) and along the
// box's edges and corners, where the caps of two faces meet in vertices at the same positions
// (MarchingCubes.swift). Welding such vertices first, rather than only deleting the flat triangles, is
// what keeps the mesh closed: the flat strip between two caps collapses and the caps share its edge.
//
// A sample a rounding error away from the threshold (the tree's flat faces lying on a grid plane: one
// ulp below it) puts vertices of different edges within rounding of the same corner without making
// them equal: on an edge from that corner t ≈ 1e-6, which the grid coordinate keeps or loses depending on
// its size (58.0000038 against 58). The triangles between such vertices are needles, thin enough to be
// dropped (6e-8 against 0.016) but with distinct corners, so dropping them alone leaves a hole. A
// needle's shortest edge is therefore collapsed too, as a zero-length one is. Only triangles that are
// dropped anyway are touched: a mesh without them comes out bit-identical. (Keying vertices by grid
// corner in marching cubes would catch only samples exactly at the threshold, which the exact weld
// already closes; an epsilon snap there would move vertices of fields that never come near the
// threshold; a relative weld of every short edge closed the tree but opened a torus at 256³.)

extension Mesh {
    /// Welds vertices joined by an edge of zero length and the ends of the shortest edge of every needle
    /// (a flat triangle, area at most `relativeAreaTolerance` × (longest edge)², whose shortest edge is at
    /// most √`relativeAreaTolerance` × the longest; the lower index survives with its position and
    /// attributes), then drops triangles whose indices repeat and flat triangles that remain. Deleting a
    /// flat triangle whose corners are spread out along a line leaves a crack of that width; marching
    /// cubes makes none in general position.
    public func removingDegenerateTriangles(relativeAreaTolerance: Float = 1e-6) -> Mesh {
        var sets = UnionFind(count: positions.count)
        for t in triangles {
            let a = Int(t.x), b = Int(t.y), c = Int(t.z)
            if positions[a] == positions[b] { sets.union(a, b) }
            if positions[b] == positions[c] { sets.union(b, c) }
            if positions[c] == positions[a] { sets.union(c, a) }
            let pa = positions[a], pb = positions[b], pc = positions[c]
            let ab = dot(pb - pa, pb - pa), bc = dot(pc - pb, pc - pb), ca = dot(pa - pc, pa - pc)
            // A needle: flat, with an edge under √tolerance × the longest (squared: under tolerance × longest²).
            let longest = Swift.max(ab, bc, ca), shortest = Swift.min(ab, bc, ca)
            guard length(cross(pb - pa, pc - pa)) <= relativeAreaTolerance * longest,
                  shortest <= relativeAreaTolerance * longest else { continue }
            if ab == shortest { sets.union(a, b) } else if bc == shortest { sets.union(b, c) } else { sets.union(c, a) }
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
