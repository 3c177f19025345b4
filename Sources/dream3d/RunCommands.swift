// `dream3d export RUN` and `dream3d render RUN`: the mesh and turntable views of any run folder's
// last checkpoint.
import ArgumentParser
import Dream3D
import Dream3DCore
import Dream3DMesh
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a run folder's scene as a mesh (OBJ, PLY, GLB).")
    @Argument(help: "A run folder, e.g. runs/a-teddy-bear.") var folder: String
    @Option(help: "Marching-cubes grid side (default: the run's meshResolution).") var resolution: Int?
    @Option(help: "Density threshold of the surface (default: the run's meshThreshold).") var threshold: Float?
    @Option(help: "Close gaps narrower than about twice this, in scene units, before marching cubes (default: the run's meshClosingRadius; 0: none).")
    var closingRadius: Float?
    @Option(help: "obj (with .mtl), ply or glb.") var format = "obj"
    @Option(help: "Output file (default: RUN/mesh.<format>).") var out: String?

    func validate() throws {
        guard ["obj", "ply", "glb"].contains(format) else { throw ValidationError("--format must be obj, ply or glb, not \(format)") }
        if let resolution, !(16...1024).contains(resolution) { throw ValidationError("--resolution must be in 16...1024") }
        if let closingRadius, !TrainingConfiguration.meshClosingRadii.contains(closingRadius) {
            throw ValidationError("--closing-radius must be in \(TrainingConfiguration.meshClosingRadii) scene units")
        }
    }

    func run() throws {
        let run = RunFolder(URL(fileURLWithPath: folder))
        let (field, configuration) = try loadRunField(run)
        let options = configuration.meshExtraction(resolution: resolution, threshold: threshold, closingRadius: closingRadius)
        let mesh = try fieldMesh(field, options: options)
        let url = out.map { URL(fileURLWithPath: $0) } ?? run.url.appendingPathComponent("mesh.\(format)")
        switch format {
        case "ply": try mesh.writePLY(to: url)
        case "glb": try mesh.writeGLB(to: url)
        default: try mesh.writeOBJ(to: url)
        }
        print("wrote \(url.path): \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles")
    }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render turntable views of a run folder's scene.",
        discussion: "Writes RUN/turntable/frame_000.png … and a contact sheet RUN/turntable.png.")
    @Argument(help: "A run folder, e.g. runs/a-teddy-bear.") var folder: String
    @Option(help: "Views round the object.") var views = 8
    @Option(help: "Image side in pixels.") var size = 256
    @Option(help: "Camera elevation in degrees.") var elevation: Float = 15

    func validate() throws {
        guard (1...360).contains(views) else { throw ValidationError("--views must be in 1...360") }
        guard (16...1024).contains(size) else { throw ValidationError("--size must be in 16...1024") }
    }

    func run() throws {
        let run = RunFolder(URL(fileURLWithPath: folder))
        let (field, configuration) = try loadRunField(run)
        let frames = turntable(field, marcher: configuration.marcher, views: views, size: size, elevation: elevation)
        let framesFolder = run.url.appendingPathComponent("turntable", isDirectory: true)
        try FileManager.default.createDirectory(at: framesFolder, withIntermediateDirectories: true)
        for (i, frame) in frames.enumerated() {
            try writePNG(frame, to: framesFolder.appendingPathComponent(String(format: "frame_%03d.png", i)))
        }
        let sheet = run.url.appendingPathComponent("turntable.png")
        try writePNG(imageGrid(frames, columns: min(views, 8)), to: sheet)
        print("wrote \(views) frames to \(framesFolder.path) and the contact sheet \(sheet.path)")
    }
}
