// StableDiffusionBench.swift — one SDS step guided by Stable Diffusion in latent space (the render resized,
// VAE-encoded on the tape, the gradient carried back through the encoder) with the tiny diffusers pipeline
// fixture (Tests/Dream3DModelsTests/Fixtures/pipeline: VAE 16/32 channels, U-Net 32/64), 64² renders encoded
// at 64², with SDS and with VSD. It measures the machinery around the models (resize, encoder backward, CFG
// batching, ε_ψ's LoRA step), not Stable Diffusion's own cost, which a real 512² U-Net dominates.
import Dream3D
import Dream3DCore
import Dream3DScene
import Foundation

func benchStableDiffusion() {
    let pipeline = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Dream3DModelsTests/Fixtures/pipeline")
    var configuration = try! TrainingConfiguration.defaults(guidance: "sd")
    configuration.stableDiffusion.resolution = 64
    configuration.albedoOnlySteps = 0
    guard let prior = (try? loadGuidancePrior(guidance: "sd", model: pipeline, configuration: configuration)) as? StableDiffusionPrior else {
        print("sd: cannot load the fixture pipeline \(pipeline.path) — skipped")
        return
    }
    /// Seconds per step of `method` after a warm-up, the same seed for both methods.
    func stepTime(_ method: String) -> Double {
        var c = configuration
        c.method = method
        let trainer = try! Trainer(prompt: "a teddy bear", prior: prior, configuration: c)
        for _ in 0..<10 { trainer.trainStep() }
        let steps = 20, start = Date()
        for _ in 0..<steps { trainer.trainStep() }
        return Date().timeIntervalSince(start) / Double(steps)
    }
    let step = stepTime("sds")
    report("SD-guided SDS step, fixture pipeline (64² → VAE 64²)", String(format: "%.1f ms", step * 1e3), ratio: step / 0.100,
           to: "built-in budget 100 ms")

    var generator = SeededGenerator(seed: 1)
    let render = Tensor(shape: [1, 3, 64, 64], scalars: generator.uniforms(3 * 64 * 64)).requiringGrad()
    let encode = bestTime {
        let latents = prior.encodeRenders(render)
        latents.backward(seed: [Float](repeating: 1, count: latents.count))
    }
    report("  of which resize + VAE encode, forward+backward", String(format: "%.1f ms", encode * 1e3), ratio: encode / step, to: "SD step")
    let z = Tensor(shape: [1, 4, prior.latentSize, prior.latentSize], scalars: generator.normals(4 * prior.latentSize * prior.latentSize))
    let camera = Camera(elevation: 15, azimuth: 30, distance: 1.75, fovy: 0.8, width: 64, height: 64)
    let guidance = bestTime { _ = prior.predictNoise(z, timestep: 500, prompt: "a teddy bear", cameras: [camera], guidanceScale: 100) }
    report("  of which the CFG pair (U-Net batch 2 at \(prior.latentSize)²)", String(format: "%.1f ms", guidance * 1e3), ratio: guidance / step,
           to: "SD step")
    let vsd = stepTime("vsd")
    report("SD-guided VSD step (ε_ψ: LoRA on SD's U-Net)", String(format: "%.1f ms", vsd * 1e3), ratio: vsd / step, to: "SD SDS step")
}
