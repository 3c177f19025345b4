// RunExport.swift — a run's outputs from its field: mesh.obj (+ mesh.mtl), mesh.glb and preview.png,
// and the field of any run folder reloaded from its checkpoint (`dream3d export` / `dream3d render`).
import Dream3DCore
import Dream3DMesh
import Dream3DScene
import Foundation

/// Writes the mesh (OBJ with its material library, GLB) and a 4-view preview into `folder`.
@discardableResult
public func exportRun(_ field: NeRFField, configuration: TrainingConfiguration, to folder: RunFolder,
                      resolution: Int? = nil) throws -> Mesh {
    let mesh = try fieldMesh(field, options: configuration.meshExtraction(resolution: resolution))
    try mesh.writeOBJ(to: folder.meshOBJ)
    try mesh.writeGLB(to: folder.meshGLB)
    let views = turntable(field, marcher: configuration.marcher, views: 4, size: 128)
    try writePNG(imageGrid(views, columns: 4), to: folder.preview)
    return mesh
}

extension TrainingConfiguration {
    /// The run's export settings (meshResolution, meshThreshold, meshClosingRadius), each replaceable.
    public func meshExtraction(resolution: Int? = nil, threshold: Float? = nil, closingRadius: Float? = nil) -> MeshExtractionOptions {
        MeshExtractionOptions(resolution: resolution ?? meshResolution, threshold: threshold ?? meshThreshold,
                              closingRadius: closingRadius ?? meshClosingRadius)
    }
}

/// The run folder's manifest and resolved configuration.
public func readRun(_ folder: RunFolder) throws -> (manifest: RunManifest, configuration: TrainingConfiguration) {
    let files = [folder.manifest, folder.configuration, folder.checkpoint]
    guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }) else { throw GenerationError.notARunFolder(path: folder.url.path) }
    let manifest = try JSONDecoder().decode(RunManifest.self, from: Data(contentsOf: folder.manifest))
    let configuration = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: folder.configuration, overrides: [])
    return (manifest, configuration)
}

/// The field of a run folder at its last checkpoint.
public func loadRunField(_ folder: RunFolder) throws -> (field: NeRFField, configuration: TrainingConfiguration) {
    let (_, configuration) = try readRun(folder)
    var generator = SeededGenerator(seed: configuration.seed).split("init")
    let field = NeRFField(configuration.field, generator: &generator)
    let file = try SafetensorsFile(contentsOf: folder.checkpoint)
    for (name, tensor) in field.parameters {
        guard let shape = file.shape(of: name) else { throw CheckpointError.missing(key: name, path: folder.checkpoint.path) }
        guard shape == tensor.shape else {
            throw CheckpointError.mismatch(key: name, expected: tensor.shape, found: shape, path: folder.checkpoint.path)
        }
        tensor.scalars = try file.tensor(name).scalars
    }
    return (field, configuration)
}
