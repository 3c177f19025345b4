// VertexNormals.swift — smooth shading normals: each vertex's normal is the sum of its triangles'
// unnormalised normals (b − a) × (c − a), whose length is twice the triangle's area, so big triangles
// count more than slivers (area weighting, as trimesh's and Open3D's vertex normals).

extension Mesh {
    /// The mesh with `normals` set to unit, area-weighted vertex normals. A vertex no triangle with area
    /// touches gets +z, so every normal is unit length (glTF requires it).
    public func withVertexNormals() -> Mesh {
        var sums = [SIMD3<Float>](repeating: .zero, count: positions.count)
        for t in triangles {                       // a serial scatter: the same sums, in the same order, every run
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            let n = cross(b - a, c - a)
            sums[Int(t.x)] += n; sums[Int(t.y)] += n; sums[Int(t.z)] += n
        }
        var mesh = self
        mesh.normals = sums.map { s in
            let l = length(s)
            return l > 0 && l.isFinite ? s / l : SIMD3(0, 0, 1)
        }
        return mesh
    }
}
