// Interrupt and resume: a run saved at step k and continued in a new trainer must end bit for bit
// where the uninterrupted run ends (DESIGN.md §6).
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
@testable import Dream3D

/// The exact denoiser of a sphere's albedo renders on white, by default at 24² over a short schedule.
func tinyAnalyticPrior(schedule: NoiseSchedule = NoiseSchedule(betas: [Float](repeating: 0.01, count: 100)), imageSize: Int = 24) -> AnalyticPrior {
    let scene = AnalyticScene([ColoredPrimitive(.sphere(radius: 0.4), color: SIMD3(0.8, 0.5, 0.2))])
    return AnalyticPrior(schedule: schedule, imageSize: imageSize) { camera in
        let image = SphereTracer().render(scene, camera: camera, lighting: Lighting(position: camera.position), mode: .albedo,
                                          background: SIMD3(1, 1, 1)).image
        return Tensor(shape: [1] + image.shape, scalars: image.scalars.map { 2 * $0 - 1 })
    }
}

/// A small, fast run: 8-level field, every kind of step and random choice covered.
func tinyConfiguration(steps: Int, seed: UInt64 = 11) -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.steps = steps
    configuration.seed = seed
    configuration.field.encoding.levels = 8
    configuration.field.encoding.log2TableSize = 14
    configuration.marcher.samplesPerRay = 48
    configuration.albedoOnlySteps = 3            // shaded steps (and their random choices) are covered too
    configuration.texturelessShare = 0.5
    configuration.occupancyInterval = 4
    configuration.background = "learned"
    configuration.sparsityWeight = 0.1
    configuration.orientationWeight = 0.1
    return configuration
}

func tinyTrainer(steps: Int, seed: UInt64 = 11) throws -> Trainer<AnalyticPrior> {
    try Trainer(prompt: "a sphere", prior: tinyAnalyticPrior(), configuration: tinyConfiguration(steps: steps, seed: seed))
}

@Suite struct CheckpointTests {
    @Test func resumedRunEndsBitIdenticalToAnUninterruptedOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let uninterrupted = try tinyTrainer(steps: 12)
        for _ in 0..<12 { uninterrupted.trainStep() }

        let first = try tinyTrainer(steps: 12)
        for _ in 0..<7 { first.trainStep() }
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        try first.saveCheckpoint(to: checkpoint)
        let resumed = try tinyTrainer(steps: 12)
        try resumed.restoreCheckpoint(from: checkpoint)
        #expect(resumed.step == 7)
        for _ in 0..<5 { resumed.trainStep() }

        for (a, b) in zip(uninterrupted.optimizer.parameters, resumed.optimizer.parameters) {
            #expect(a.scalars == b.scalars, "\(a.name!) differs after resume")
        }
        #expect(uninterrupted.optimizer.stateTensors().mapValues(\.scalars) == resumed.optimizer.stateTensors().mapValues(\.scalars))
        #expect(uninterrupted.renderer.occupancy.values == resumed.renderer.occupancy.values)
    }

    @Test func aCheckpointOfAnotherConfigurationIsRefusedClearly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-mismatch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let trainer = try tinyTrainer(steps: 2)
        trainer.trainStep()
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try trainer.saveCheckpoint(to: url)
        var configuration = trainer.configuration
        configuration.field.hiddenWidth = 32
        let other = try Trainer(prompt: "a sphere", prior: trainer.prior, configuration: configuration)
        do {
            try other.restoreCheckpoint(from: url)
            Issue.record("a mismatched checkpoint was accepted")
        } catch {
            #expect(error.description.contains("density_network.layers.0.weight") && error.description.contains("hint:"))
        }
        #expect(throws: CheckpointError.self) { try other.restoreCheckpoint(from: folder.appendingPathComponent("absent.safetensors")) }
    }
}
