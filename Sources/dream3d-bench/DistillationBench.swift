// DistillationBench.swift — one SDS step of the default recipe (DESIGN.md §7: ≤ 100 ms) with the
// built-in prior's architecture, its parts (render forward+backward, the prior's CFG pair), and the
// default run's wall time estimated as steps × step time + export (budget 5 min). Weights are freshly
// initialised: the cost of a step does not depend on their values, only on the field's occupancy,
// which the warm-up steps let settle as in a real run.
import Dream3D
import Dream3DCore
import Dream3DScene
import Dream3DShapes
import Foundation

func benchDistillation(overrides recipeOverrides: [String]) {
    let library = try! ShapeLibrary.load()
    let prior = try! BuiltInPriorModel(BuiltInPriorConfiguration(), vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
    let configuration: TrainingConfiguration
    do {
        configuration = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: recipeOverrides)
    } catch {
        print("dream3d-bench: \(error)")
        exit(2)
    }
    if !recipeOverrides.isEmpty { print("sds recipe with " + recipeOverrides.joined(separator: ", ")) }
    /// A trainer past the albedo warm-up (shaded steps) and its mean step time, wall and CPU.
    func timedSteps(_ prior: BuiltInPriorModel) -> (trainer: Trainer<BuiltInPriorModel>, wall: Double, cpu: Double) {
        let trainer = try! Trainer(prompt: "a teddy bear", prior: prior, configuration: configuration)
        for _ in 0..<(configuration.albedoOnlySteps + 20) { trainer.trainStep() }
        let steps = 30, start = Date(), cpuStart = processCPUTime()
        for _ in 0..<steps { trainer.trainStep() }
        return (trainer, Date().timeIntervalSince(start) / Double(steps), (processCPUTime() - cpuStart) / Double(steps))
    }
    let (trainer, step, stepCPU) = timedSteps(prior)
    report("SDS step, default recipe (\(prior.imageSize)² render, CFG pair)", String(format: "%.1f ms", step * 1e3),
           ratio: step / 0.100, to: "budget 100 ms", cpu: stepCPU)
    var tiledConfiguration = BuiltInPriorConfiguration()
    tiledConfiguration.tile()
    let tiled = try! BuiltInPriorModel(tiledConfiguration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
    let (_, tiledStep, tiledCPU) = timedSteps(tiled)
    report("SDS step, multi-view prior (4 × \(tiled.imageSize)² renders, \(tiledConfiguration.imageSize)² tile)",
           String(format: "%.1f ms", tiledStep * 1e3), ratio: tiledStep / step, to: "single-view step", cpu: tiledCPU)

    let s = prior.imageSize
    var generator = SeededGenerator(seed: 1)
    let z = Tensor(shape: [1, 3, s, s], scalars: generator.normals(3 * s * s))
    let camera = Camera(elevation: 15, azimuth: 30, distance: 1.75, fovy: 0.8, width: s, height: s)
    let (guidance, guidanceCPU) = bestTimes { _ = prior.predictNoise(z, timestep: 500, prompt: "a teddy bear", cameras: [camera], guidanceScale: 20) }
    report("  of which the prior's CFG pair (U-Net batch 2 at \(s)²)", String(format: "%.1f ms", guidance * 1e3),
           ratio: guidance / step, to: "SDS step", cpu: guidanceCPU)

    let folder = RunFolder(FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-bench-\(UUID().uuidString)"))
    try! FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder.url) }
    let exportStart = Date()
    let exported = (try? exportRun(trainer.field, configuration: configuration, to: folder)) != nil
    let export = Date().timeIntervalSince(exportStart)
    let total = Double(configuration.steps) * step + export
    report("default run estimate (\(configuration.steps) steps + export\(exported ? "" : ", no surface yet"))",
           String(format: "%.0f s", total), ratio: total / 300, to: "budget 5 min")
}
