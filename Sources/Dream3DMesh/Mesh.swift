// Mesh.swift — an indexed triangle mesh with optional per-vertex normals and colours: what marching
// cubes makes, the clean-up steps transform and the OBJ, PLY and GLB writers store.

/// An indexed triangle mesh. positions: [V]; triangles: [F] vertex-index triples wound
/// counter-clockwise seen from outside, so the right-hand normal (b − a) × (c − a) points out of the
/// object; normals: [V] unit vectors or empty; colors: [V] RGB in [0, 1] or empty.
public struct Mesh: Sendable, Equatable {
    public var positions: [SIMD3<Float>]
    public var triangles: [SIMD3<UInt32>]
    public var normals: [SIMD3<Float>]
    public var colors: [SIMD3<Float>]

    public init(positions: [SIMD3<Float>], triangles: [SIMD3<UInt32>],
                normals: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = []) {
        self.positions = positions
        self.triangles = triangles
        self.normals = normals
        self.colors = colors
        checkInvariants()
    }

    public var vertexCount: Int { positions.count }
    public var triangleCount: Int { triangles.count }

    /// Our bugs, not the user's: attribute arrays match the vertex count and every index is a vertex.
    func checkInvariants() {
        precondition(normals.isEmpty || normals.count == positions.count,
                     "\(normals.count) normals for \(positions.count) vertices")
        precondition(colors.isEmpty || colors.count == positions.count,
                     "\(colors.count) colours for \(positions.count) vertices")
        let v = UInt32(positions.count)
        precondition(triangles.allSatisfy { $0.x < v && $0.y < v && $0.z < v },
                     "a triangle indexes past the \(positions.count) vertices")
    }

    /// The triangles for which `keep` is true, with the vertices no kept triangle uses dropped and the
    /// rest renumbered in their old order (attributes follow their vertices).
    public func keepingTriangles(where keep: (Int) -> Bool) -> Mesh {
        var kept: [SIMD3<UInt32>] = []
        kept.reserveCapacity(triangles.count)
        for (t, triangle) in triangles.enumerated() where keep(t) { kept.append(triangle) }
        var used = [Bool](repeating: false, count: positions.count)
        for t in kept { used[Int(t.x)] = true; used[Int(t.y)] = true; used[Int(t.z)] = true }
        var newIndex = [UInt32](repeating: .max, count: positions.count)
        var next: UInt32 = 0
        for v in used.indices where used[v] { newIndex[v] = next; next += 1 }
        func pick<T>(_ attribute: [T]) -> [T] { attribute.isEmpty ? [] : used.indices.filter { used[$0] }.map { attribute[$0] } }
        return Mesh(positions: pick(positions),
                    triangles: kept.map { SIMD3(newIndex[Int($0.x)], newIndex[Int($0.y)], newIndex[Int($0.z)]) },
                    normals: pick(normals), colors: pick(colors))
    }
}
