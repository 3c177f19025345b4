// MeshFileTests.swift — OBJ and PLY read back as written, GLB passes the structural check, and a failed
// write leaves nothing behind.
import Dream3DCore
import Foundation
import Testing
@testable import Dream3DMesh

/// A small coloured sphere with normals, the kind of mesh the exporters see.
func coloredSphere() throws -> Mesh {
    try extractMesh(density: densityFromSDF(sphereSDF(center: [0.1, 0, 0], radius: 0.55)),
                    albedo: { $0.map { SIMD3(($0.x + 1) / 2, 0.3, 1 - ($0.z + 1) / 2) } },
                    bounds: unitBox, options: MeshExtractionOptions(resolution: 24))
}

@Test func objRoundTripsExactly() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mesh = try coloredSphere(), url = folder.appendingPathComponent("mesh.obj")
    try mesh.writeOBJ(to: url)
    // Shortest round-trip decimal printing: every Float comes back bit for bit.
    #expect(try Mesh(objAt: url) == mesh)

    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains("\nmtllib mesh.mtl\n") && text.contains("\nusemtl dream3d_white\n"))
    let first = mesh.triangles[0]
    #expect(text.contains("\nf \(first.x + 1)//\(first.x + 1) \(first.y + 1)//\(first.y + 1) \(first.z + 1)//\(first.z + 1)\n"))
    let library = try String(contentsOf: folder.appendingPathComponent("mesh.mtl"), encoding: .utf8)
    #expect(library.contains("newmtl dream3d_white\n") && library.contains("Kd 1 1 1\n"))
}

@Test func plyRoundTripsWithinByteColours() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mesh = try coloredSphere(), url = folder.appendingPathComponent("mesh.ply")
    try mesh.writePLY(to: url)
    let read = try Mesh(plyAt: url)
    #expect(read.positions == mesh.positions && read.normals == mesh.normals && read.triangles == mesh.triangles)
    let worst = zip(read.colors, mesh.colors).map { (a: SIMD3<Float>, b: SIMD3<Float>) in pointwiseMax(a - b, b - a).max() }.max()!
    #expect(read.colors.count == mesh.colors.count && worst <= 0.5 / 255 + 1e-6, "colour error \(worst) exceeds half a byte step")

    // The header a viewer parses, and the file size it implies: 27 bytes per vertex, 13 per triangle.
    let bytes = try [UInt8](Data(contentsOf: url))
    let header = String(decoding: bytes.prefix(400), as: UTF8.self)
    let expectedHeader = """
        ply
        format binary_little_endian 1.0
        comment made by dream3d
        element vertex \(mesh.vertexCount)
        property float x
        property float y
        property float z
        property float nx
        property float ny
        property float nz
        property uchar red
        property uchar green
        property uchar blue
        element face \(mesh.triangleCount)
        property list uchar int vertex_indices
        end_header

        """
    #expect(header.hasPrefix(expectedHeader))
    #expect(bytes.count == expectedHeader.utf8.count + 27 * mesh.vertexCount + 13 * mesh.triangleCount)
}

@Test func glbPassesTheStructuralCheckAndHoldsTheMesh() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mesh = try coloredSphere(), url = folder.appendingPathComponent("mesh.glb")
    try mesh.writeGLB(to: url)
    let glb = try checkGLB(try [UInt8](Data(contentsOf: url)))
    #expect(glb.attributes["POSITION"] == mesh.positions)
    #expect(glb.attributes["NORMAL"] == mesh.normals)
    #expect(glb.attributes["COLOR_0"] == mesh.colors)
    #expect(glb.indices == mesh.triangles.flatMap { [$0.x, $0.y, $0.z] })

    // Without normals or colours the file is still valid and carries only positions.
    let bare = try checkGLB(Mesh(positions: mesh.positions, triangles: mesh.triangles).glbBytes())
    #expect(bare.attributes.keys.sorted() == ["POSITION"])
}

@Test func readersRejectMalformedFilesWithTheLine() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let obj = folder.appendingPathComponent("bad.obj")
    try Data("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 7\n".utf8).write(to: obj)
    #expect(throws: MeshFileError.malformed(path: obj.path, location: "line 4", reason: "bad vertex reference 7")) { try Mesh(objAt: obj) }
    let ply = folder.appendingPathComponent("bad.ply")
    try Data("ply\nformat ascii 1.0\nend_header\n".utf8).write(to: ply)
    #expect(throws: MeshFileError.self) { try Mesh(plyAt: ply) }
    let truncated = folder.appendingPathComponent("truncated.ply")
    try Data(try coloredSphere().plyBytes().dropLast(5)).write(to: truncated)
    #expect(throws: MeshFileError.self) { try Mesh(plyAt: truncated) }
}

@Test func writingIntoAMissingFolderThrowsAndCreatesNothing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = folder.appendingPathComponent("no-such-folder")
    let mesh = try coloredSphere()
    for (name, write) in [("mesh.obj", mesh.writeOBJ), ("mesh.ply", mesh.writePLY), ("mesh.glb", mesh.writeGLB)] as [(String, (URL) throws(FileWriteError) -> Void)] {
        let target = missing.appendingPathComponent(name)
        do {
            try write(target)
            Issue.record("\(name): no error")
        } catch {
            // The OBJ writer writes its .mtl first, so the error may name that file: check the folder.
            #expect(error.description.contains(missing.path) && error.description.contains("hint:"), "\(error)")
        }
    }
    #expect(!FileManager.default.fileExists(atPath: missing.path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing in the parent folder either")
}

@Test func aFailedWriteLeavesNoTemporaryOrPartialFiles() throws {
    // The target name is taken by a folder: the bytes reach the temporary file, the final rename fails.
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mesh = try coloredSphere()
    for name in ["mesh.obj", "mesh.ply", "mesh.glb"] {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(name), withIntermediateDirectories: false)
    }
    #expect(throws: FileWriteError.self) { try mesh.writeOBJ(to: folder.appendingPathComponent("mesh.obj")) }
    #expect(throws: FileWriteError.self) { try mesh.writePLY(to: folder.appendingPathComponent("mesh.ply")) }
    #expect(throws: FileWriteError.self) { try mesh.writeGLB(to: folder.appendingPathComponent("mesh.glb")) }
    // Only the three folders: no temporary files, and no material library left from the failed OBJ.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["mesh.glb", "mesh.obj", "mesh.ply"])
}
