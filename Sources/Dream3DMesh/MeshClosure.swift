// MeshClosure.swift — is a mesh watertight? Closed and consistently wound: every edge is shared by
// exactly two triangles that run along it in opposite directions. Marching cubes on a field whose
// surface stays inside the grid gives such meshes (MarchingCubes.swift); a surface cut by the grid's
// boundary, or a broken clean-up, does not. Issue 9's quality gate requires it of every mesh.

extension Mesh {
    /// Undirected edges not shared by exactly two triangles running along them in opposite directions
    /// (holes, edges of three or more triangles, neighbours wound inconsistently).
    public var openEdgeCount: Int {
        var uses: [UInt64: Int] = [:]                    // directed edge a→b → triangles using it
        uses.reserveCapacity(3 * triangles.count)
        for t in triangles {
            for (a, b) in [(t.x, t.y), (t.y, t.z), (t.z, t.x)] { uses[UInt64(a) << 32 | UInt64(b), default: 0] += 1 }
        }
        var open = 0
        for (key, count) in uses {
            let a = key >> 32, b = key & 0xFFFF_FFFF
            let reverse = uses[b << 32 | a] ?? 0
            if count == 1 && reverse == 1 { continue }
            // Counted from the smaller end only (a one-way edge has no reverse entry to count it again).
            if a < b || reverse == 0 { open += 1 }
        }
        return open
    }

    /// True when the mesh has triangles and no open edge: a closed surface that bounds a volume.
    public var isWatertight: Bool { !triangles.isEmpty && openEdgeCount == 0 }

    /// Triangles of the largest connected component over all triangles (0 for an empty mesh): 1 when the
    /// mesh is one piece.
    public var largestComponentShare: Double {
        guard let largest = connectedComponents().triangleCounts.max() else { return 0 }
        return Double(largest) / Double(triangles.count)
    }
}
