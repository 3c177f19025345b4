// SJC and VSD end to end on a tiny configuration, guided by the exact denoiser of a sphere's renders
// (VSD's ε_ψ adapts a small random network of the built-in architecture: the analytic prior is no
// network a LoRA could adapt): each lowers its objective, the distance of the scene's renders to the
// sphere's, and leaves a non-empty closed mesh. A VSD run resumed from a checkpoint ends bit for bit
// where the uninterrupted run ends.
import Foundation
import Testing
import Dream3DCore
import Dream3DMesh
import Dream3DModels
import Dream3DScene
@testable import Dream3D

/// Albedo renders on white at 16², as the analytic prior's references, from a small field.
private func tinyRunConfiguration(method: String, steps: Int) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.method = method
    c.steps = steps
    c.seed = 5
    c.field.encoding.levels = 8
    c.field.encoding.log2TableSize = 14
    c.marcher.samplesPerRay = 48
    c.albedoOnlySteps = steps
    c.background = "white"
    c.networkLearningRate = 0.01
    c.annealedTMax = c.sds.tRange.upperBound
    return c
}

private func trainer(method: String, steps: Int, network: BuiltInPriorModel) throws -> Trainer<AnalyticPrior> {
    try Trainer(prompt: "a sphere", prior: tinyAnalyticPrior(schedule: network.schedule, imageSize: 16),
            configuration: tinyRunConfiguration(method: method, steps: steps), scoreNetwork: network)
}

/// Mean squared distance, in the prior's [−1, 1], of the field's albedo renders to the references from
/// four fixed views.
private func referenceDistance(_ trainer: Trainer<AnalyticPrior>) -> Float {
    var sampler = CameraSampler()
    sampler.width = 16
    sampler.height = 16
    var total: Float = 0, count = 0
    for camera in sampler.orbit(views: 4, elevation: 15, distance: 1.8, fovyDegrees: 45) {
        var unused = SeededGenerator(seed: 0)
        let render = withoutGrad {
            trainer.renderer.render(camera, shading: .albedo, lighting: Lighting(position: camera.position), background: .solid(SIMD3(1, 1, 1)),
                                    jitter: false, using: &unused).image
        }
        let reference = trainer.prior.references(camera).scalars
        for i in reference.indices { let d = 2 * render.scalars[i] - 1 - reference[i]; total += d * d }
        count += reference.count
    }
    return total / Float(count)
}

@Suite struct DistillationRunTests {
    /// supersampling 2 traces a 32² render for the 16² prior (four times the rays) and pools it to 16².
    @Test func supersampledRendersTraceFourTimesTheRaysAndPoolToThePriorsSize() throws {
        var samples: [Int] = []
        for factor in [1, 2] {
            var c = tinyRunConfiguration(method: "sds", steps: 2)
            c.supersampling = factor
            let run = try Trainer(prompt: "a sphere", prior: tinyAnalyticPrior(schedule: try tinyScoreNetwork(seed: 2).schedule, imageSize: 16),
                                  configuration: c)
            let metrics = run.trainStep()
            #expect(metrics.gradientScale.isFinite && metrics.gradientScale > 0)
            samples.append(metrics.samples)
        }
        #expect(Float(samples[1]) > 3.5 * Float(samples[0]), "samples per step at supersampling 1 and 2: \(samples)")
    }

    @Test(arguments: ["sjc", "vsd"])
    func aTinyRunLowersItsObjectiveAndLeavesAClosedMesh(method: String) throws {
        let run = try trainer(method: method, steps: 80, network: try tinyScoreNetwork(seed: 2))
        let before = referenceDistance(run)
        for _ in 0..<run.configuration.steps { run.trainStep() }
        let after = referenceDistance(run)
        #expect(after < 0.7 * before, "\(method): distance to the reference renders \(before) → \(after)")
        // Threshold 2: a short run leaves the densities of a soft sphere (SJC's peak near 5), not the ~10+ of a long one.
        let mesh = try fieldMesh(run.field, options: .init(resolution: 48, threshold: 2))
        #expect(mesh.triangleCount > 100 && mesh.isWatertight, "\(method): \(mesh.triangleCount) triangles")
    }

    @Test func aResumedVSDRunEndsBitIdenticalToAnUninterruptedOne() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-vsd-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let uninterrupted = try trainer(method: "vsd", steps: 10, network: try tinyScoreNetwork(seed: 2))
        for _ in 0..<10 { uninterrupted.trainStep() }

        let first = try trainer(method: "vsd", steps: 10, network: try tinyScoreNetwork(seed: 2))
        for _ in 0..<6 { first.trainStep() }
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        try first.saveCheckpoint(to: checkpoint)
        let resumed = try trainer(method: "vsd", steps: 10, network: try tinyScoreNetwork(seed: 2))
        try resumed.restoreCheckpoint(from: checkpoint)
        for _ in 0..<4 { resumed.trainStep() }

        for optimizers in [(uninterrupted.optimizer, resumed.optimizer), (uninterrupted.scoreModel!.optimizer, resumed.scoreModel!.optimizer)] {
            for (a, b) in zip(optimizers.0.parameters, optimizers.1.parameters) { #expect(a.scalars == b.scalars, "\(a.name!) differs after resume") }
            #expect(optimizers.0.stateTensors().mapValues(\.scalars) == optimizers.1.stateTensors().mapValues(\.scalars))
            #expect(optimizers.0.stepCount == optimizers.1.stepCount)
        }
        // ε_ψ trained: its LoRA is no longer zero, so the resume had something to restore.
        #expect(resumed.scoreModel!.optimizer.parameters.contains { $0.name!.hasSuffix("lora_B.weight") && $0.scalars.contains { $0 != 0 } })
    }
}
