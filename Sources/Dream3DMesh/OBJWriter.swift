// OBJWriter.swift — Wavefront OBJ with vertex colours, plus a material library beside it.
// Keywords as in Wavefront's "Object Files (.obj)" specification (Advanced Visualizer manual, appendix
// B1): v, vn, f with 1-based indices, mtllib, usemtl. Vertex colours use the common extension
// `v x y z r g b` (read by MeshLab, Blender, trimesh, Open3D); viewers that ignore it still find the
// white diffuse material, so the mesh is never drawn black or untextured-pink.
// Numbers are printed with Swift's shortest round-trip form, so reading the file back gives the same Floats.
import Dream3DCore
import Foundation

extension Mesh {
    /// The material every dream3d OBJ uses: white, diffuse only (illum 1: colour and ambient, no highlight).
    public static let objMaterialName = "dream3d_white"
    public static let objMaterialLibrary = """
        # dream3d: plain white diffuse material; the colours are on the vertices (v x y z r g b)
        newmtl \(objMaterialName)
        Ka 0 0 0
        Kd 1 1 1
        Ks 0 0 0
        d 1
        illum 1

        """

    /// Writes the OBJ at `url` and its material library beside it (same name, extension .mtl), each
    /// atomically; the library first, so that the OBJ never names a library that is not there. If the OBJ
    /// then fails, a library this call created is removed again: a failed export leaves nothing new.
    public func writeOBJ(to url: URL) throws(FileWriteError) {
        let library = url.deletingPathExtension().appendingPathExtension("mtl")
        let libraryExisted = FileManager.default.fileExists(atPath: library.path)
        try writeAtomically(Data(Mesh.objMaterialLibrary.utf8), to: library)
        do {
            try writeAtomically(Data(objText(materialLibrary: library.lastPathComponent).utf8), to: url)
        } catch {
            if !libraryExisted { try? FileManager.default.removeItem(at: library) }
            throw error
        }
    }

    /// The OBJ file's text; `materialLibrary` is the .mtl file name that `mtllib` names.
    public func objText(materialLibrary: String) -> String {
        var text = "# dream3d mesh: \(positions.count) vertices, \(triangles.count) triangles\n"
        text += "mtllib \(materialLibrary)\n"
        text.reserveCapacity(text.utf8.count + positions.count * 80 + triangles.count * 40)
        for (v, p) in positions.enumerated() {
            text += "v \(p.x) \(p.y) \(p.z)"
            if !colors.isEmpty { text += " \(colors[v].x) \(colors[v].y) \(colors[v].z)" }
            text += "\n"
        }
        for n in normals { text += "vn \(n.x) \(n.y) \(n.z)\n" }
        text += "usemtl \(Mesh.objMaterialName)\n"
        for t in triangles {
            let a = t.x + 1, b = t.y + 1, c = t.z + 1
            text += normals.isEmpty ? "f \(a) \(b) \(c)\n" : "f \(a)//\(a) \(b)//\(b) \(c)//\(c)\n"
        }
        return text
    }
}
