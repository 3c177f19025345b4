// PLYWriter.swift — binary little-endian PLY (Greg Turk's format, as documented by Paul Bourke,
// "PLY - Polygon File Format"): per vertex float x y z, float nx ny nz (if the mesh has normals) and
// uchar red green blue (if it has colours); per face a uchar count (always 3) and int vertex_indices.
// Property names are the ones MeshLab, Blender, Open3D and trimesh look for.
import Dream3DCore
import Foundation

extension Mesh {
    /// Writes the PLY file at `url` atomically.
    public func writePLY(to url: URL) throws(FileWriteError) {
        try writeAtomically(Data(plyBytes()), to: url)
    }

    /// The PLY file's bytes: ASCII header, then the binary vertex and face records.
    public func plyBytes() -> [UInt8] {
        precondition(positions.count <= Int(Int32.max), "\(positions.count) vertices do not fit PLY's int indices")
        var header = "ply\nformat binary_little_endian 1.0\ncomment made by dream3d\n"
        header += "element vertex \(positions.count)\nproperty float x\nproperty float y\nproperty float z\n"
        if !normals.isEmpty { header += "property float nx\nproperty float ny\nproperty float nz\n" }
        if !colors.isEmpty { header += "property uchar red\nproperty uchar green\nproperty uchar blue\n" }
        header += "element face \(triangles.count)\nproperty list uchar int vertex_indices\nend_header\n"
        let vertexBytes = 12 + (normals.isEmpty ? 0 : 12) + (colors.isEmpty ? 0 : 3)
        var out = LittleEndianWriter(capacity: header.utf8.count + positions.count * vertexBytes + triangles.count * 13)
        out.append(header)
        for v in positions.indices {
            out.append(positions[v])
            if !normals.isEmpty { out.append(normals[v]) }
            if !colors.isEmpty {
                let c = colors[v]
                out.append(Mesh.colorByte(c.x)); out.append(Mesh.colorByte(c.y)); out.append(Mesh.colorByte(c.z))
            }
        }
        for t in triangles {
            out.append(UInt8(3))
            out.append(t.x); out.append(t.y); out.append(t.z)
        }
        return out.bytes
    }

    /// A colour channel in [0, 1] as the nearest of 0…255 (NaN as 0).
    static func colorByte(_ c: Float) -> UInt8 {
        c >= 0 ? UInt8((Swift.min(c, 1) * 255).rounded()) : 0
    }
}
