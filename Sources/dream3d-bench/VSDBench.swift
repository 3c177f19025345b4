// VSDBench.swift — what VSD adds to a step of the default recipe: the step with `method: vsd` against the
// SDS step in the same process (past the albedo warm-up, the best of 6 alternating blocks of 5 steps, so
// that load from other processes falls on both alike, the VSD scene set to the SDS one before each block
// so both render the same occupancy), and ε_ψ's two parts: its forward for the gradient and its training
// step (forward, backward through the frozen U-Net, AdamW). Fresh weights, as the sds section.
import Dream3D
import Dream3DCore
import Dream3DScene
import Dream3DShapes
import Foundation

func benchVSD() {
    let library = try! ShapeLibrary.load()
    let prior = try! BuiltInPriorModel(BuiltInPriorConfiguration(), vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
    var configuration = TrainingConfiguration()
    let sds = try! Trainer(prompt: "a teddy bear", prior: prior, configuration: configuration)
    configuration.method = "vsd"
    let vsd = try! Trainer(prompt: "a teddy bear", prior: prior, configuration: configuration)
    for trainer in [sds, vsd] { for _ in 0..<(configuration.albedoOnlySteps + 20) { trainer.trainStep() } }
    var seconds = [Double.infinity, .infinity]
    for _ in 0..<6 {
        for (a, b) in zip(sds.optimizer.parameters, vsd.optimizer.parameters) { b.scalars = a.scalars }
        vsd.renderer.occupancy.restore(values: sds.renderer.occupancy.values, occupied: sds.renderer.occupancy.occupied)
        for (k, trainer) in [sds, vsd].enumerated() {
            let start = Date()
            for _ in 0..<5 { trainer.trainStep() }
            seconds[k] = min(seconds[k], Date().timeIntervalSince(start) / 5)
        }
    }
    report("VSD step, default recipe with method vsd", String(format: "%.1f ms", seconds[1] * 1e3), ratio: seconds[1] / seconds[0],
           to: String(format: "SDS step (%.1f ms)", seconds[0] * 1e3))

    let s = prior.imageSize, scoreModel = vsd.scoreModel!
    var generator = SeededGenerator(seed: 1)
    let z = Tensor(shape: [1, 3, s, s], scalars: generator.normals(3 * s * s))
    let camera = Camera(elevation: 15, azimuth: 30, distance: 1.75, fovy: 0.8, width: s, height: s)
    let pair = bestTime { _ = prior.predictNoise(z, timestep: 500, prompt: "a teddy bear", cameras: [camera], guidanceScale: 7.5) }
    let forward = bestTime { _ = scoreModel.predictNoise(z, timestep: 500, prompt: "a teddy bear", cameras: [camera]) }
    report("  of which ε_ψ's forward (U-Net batch 1 at \(s)²)", String(format: "%.1f ms", forward * 1e3), ratio: forward / pair,
           to: String(format: "prior's CFG pair (%.1f ms)", pair * 1e3))
    let sample = prior.encodeRenders(Tensor(shape: [1, 3, s, s], scalars: generator.uniforms(3 * s * s)))
    let training = bestTime { scoreModel.trainStep(on: sample, prompt: "a teddy bear", cameras: [camera], using: &generator) }
    report("  and ε_ψ's training step (forward, backward, AdamW)", String(format: "%.1f ms", training * 1e3), ratio: training / pair,
           to: "prior's CFG pair")
}
