// Run folders: an interrupted run resumed from its folder ends with the same checkpoint as a straight
// run; bad input is refused with a named error and writes nothing; NaN stops the run and keeps the
// last good checkpoint.
import Foundation
import Testing
import Dream3DCore
import Dream3DMesh
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

private func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-\(name)-\(UUID().uuidString)")
}

private func runConfiguration(steps: Int) -> TrainingConfiguration {
    var c = tinyConfiguration(steps: steps)
    c.logEvery = 2
    c.checkpointEvery = 3
    c.meshResolution = 32
    c.meshThreshold = 5
    return c
}

private let manifest = RunManifest(prompt: "a sphere", guidance: "builtin", model: nil)

@Suite struct GenerationRunTests {
    @Test func anInterruptedRunResumedFromItsFolderEndsLikeAStraightRun() throws {
        let straight = RunFolder(temporaryFolder("straight")), split = RunFolder(temporaryFolder("split"))
        defer { for f in [straight, split] { try? FileManager.default.removeItem(at: f.url) } }
        let configuration = runConfiguration(steps: 8)
        let whole = try GenerationRun(manifest: manifest, configuration: configuration, prior: tinyAnalyticPrior(), folder: straight, resume: false)
        let result = try whole.run()
        #expect(!result.interrupted && result.steps == 8 && result.mesh.triangleCount > 0)

        var polls = 0
        let first = try GenerationRun(manifest: manifest, configuration: configuration, prior: tinyAnalyticPrior(), folder: split, resume: false)
        let stopped = try first.run(shouldStop: { polls += 1; return polls > 5 })
        #expect(stopped.interrupted && stopped.steps == 5)
        for file in [split.meshOBJ, split.meshGLB, split.preview, split.checkpoint] { #expect(FileManager.default.fileExists(atPath: file.path)) }

        let (savedManifest, savedConfiguration) = try readRun(split)
        #expect(savedManifest == manifest && savedConfiguration == configuration)
        let resumed = try GenerationRun(manifest: savedManifest, configuration: savedConfiguration, prior: tinyAnalyticPrior(),
                                        folder: split, resume: true)
        #expect(try resumed.run().steps == 8)
        #expect(try Data(contentsOf: split.checkpoint) == Data(contentsOf: straight.checkpoint))
        #expect(try Data(contentsOf: split.meshOBJ) == Data(contentsOf: straight.meshOBJ))
        let steps = try String(contentsOf: split.metrics, encoding: .utf8).split(separator: "\n").count
        #expect(steps == 4)                                    // steps 2, 4 (first process), 6, 8 (resumed)

        let (field, _) = try loadRunField(split)
        #expect(field.parameters.map(\.tensor.scalars) == resumed.trainer.field.parameters.map(\.tensor.scalars))
    }

    @Test func badInputIsNamedAndWritesNothing() throws {
        let folder = RunFolder(temporaryFolder("bad"))
        #expect(throws: GenerationError.emptyPrompt) {
            try GenerationRun(manifest: RunManifest(prompt: "  ", guidance: "builtin", model: nil), configuration: runConfiguration(steps: 2),
                              prior: tinyAnalyticPrior(), folder: folder, resume: false)
        }
        var unknownMethod = runConfiguration(steps: 2)
        unknownMethod.method = "dds"
        #expect(throws: ConfigurationError.self) {
            try GenerationRun(manifest: manifest, configuration: unknownMethod, prior: tinyAnalyticPrior(), folder: folder, resume: false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.path))

        let file = temporaryFolder("file")
        try Data("not a folder".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: GenerationError.self) {
            try GenerationRun(manifest: manifest, configuration: runConfiguration(steps: 2), prior: tinyAnalyticPrior(),
                              folder: RunFolder(file.appendingPathComponent("run")), resume: false)
        }
        #expect(throws: GenerationError.noPrior(path: folder.url.path)) {
            try loadGuidancePrior(guidance: "builtin", model: folder.url, configuration: runConfiguration(steps: 2))
        }
        #expect(throws: GenerationError.notARunFolder(path: folder.url.path)) { try readRun(folder) }
    }

    @Test func theBuiltInPriorIsGuidedByTheGrammarsPromptAndRefusesUnknownObjects() throws {
        let library = try ShapeLibrary.load()
        let prior = try BuiltInPriorModel(tinyPriorConfiguration(), vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
        let folder = RunFolder(temporaryFolder("grammar"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        #expect(throws: PromptError.self) {
            try GenerationRun(manifest: RunManifest(prompt: "a giraffe", guidance: "builtin", model: nil),
                              configuration: runConfiguration(steps: 2), prior: prior, folder: folder, resume: false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.path))
        let run = try GenerationRun(manifest: RunManifest(prompt: "A shiny RED chair", guidance: "builtin", model: nil),
                                    configuration: runConfiguration(steps: 2), prior: prior, folder: folder, resume: false)
        #expect(run.trainer.prompt == "a red chair")
        #expect(run.promptWarning?.unknownWords == ["shiny"])
    }

    @Test func aCorruptCheckpointOrAnOccupiedFolderIsRefused() throws {
        let folder = RunFolder(temporaryFolder("corrupt"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        _ = try GenerationRun(manifest: manifest, configuration: runConfiguration(steps: 2), prior: tinyAnalyticPrior(), folder: folder, resume: false)
        #expect(throws: GenerationError.self) {       // a second run into the same folder
            try GenerationRun(manifest: manifest, configuration: runConfiguration(steps: 2), prior: tinyAnalyticPrior(), folder: folder, resume: false)
        }
        try Data("garbage".utf8).write(to: folder.checkpoint)
        #expect(throws: CheckpointError.self) {
            try GenerationRun(manifest: manifest, configuration: runConfiguration(steps: 2), prior: tinyAnalyticPrior(), folder: folder, resume: true)
        }
    }

    @Test func nonFiniteParametersStopTheRunAndKeepTheLastGoodCheckpoint() throws {
        let folder = RunFolder(temporaryFolder("nan"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        var configuration = runConfiguration(steps: 12)
        configuration.checkpointEvery = 2
        let run = try GenerationRun(manifest: manifest, configuration: configuration, prior: tinyAnalyticPrior(), folder: folder, resume: false)
        var polls = 0
        let error = #expect(throws: GenerationError.self) {
            try run.run(shouldStop: {
                polls += 1
                if polls == 5 { run.trainer.field.densityNetwork.weights[0].scalars[0] = .nan }   // poisoned during step 5
                return false
            })
        }
        #expect(error == .nonFinite(step: 6, lastCheckpointStep: 4))
        let saved = try SafetensorsFile(contentsOf: folder.checkpoint)
        #expect(saved.metadata["step"] == "4")
        #expect(error?.description.contains("hint:") == true)
    }

    @Test func viewDependentPromptsNameTheSideTheCameraSees() throws {
        var configuration = runConfiguration(steps: 1)
        let trainer = try Trainer(prompt: "a red chair", prior: tinyAnalyticPrior(), configuration: configuration)
        let camera = { (azimuth: Float, elevation: Float) in Camera(elevation: elevation, azimuth: azimuth, distance: 2, fovy: 0.8, width: 8, height: 8) }
        #expect(trainer.guidancePrompt(for: camera(10, 15)) == "a red chair, front view")
        #expect(trainer.guidancePrompt(for: camera(90, 15)) == "a red chair, side view")
        #expect(trainer.guidancePrompt(for: camera(-170, 15)) == "a red chair, back view")
        #expect(trainer.guidancePrompt(for: camera(90, 75)) == "a red chair, overhead view")
        let named = try Trainer(prompt: "a red chair, back view", prior: tinyAnalyticPrior(), configuration: configuration)
        #expect(named.guidancePrompt(for: camera(10, 15)) == "a red chair, back view")
        configuration.viewDependentPrompts = false
        let plain = try Trainer(prompt: "a red chair", prior: tinyAnalyticPrior(), configuration: configuration)
        #expect(plain.guidancePrompt(for: camera(90, 15)) == "a red chair")
    }
}
