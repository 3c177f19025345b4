// `--guidance sd` on the tiny diffusers pipeline fixture (Tests/Dream3DModelsTests/Fixtures/pipeline): the
// render → latent path against PyTorch (sd_encode_io, Tests/Fixtures/make_sd_guidance_fixture.py) and central
// differences, the latent SDS gradient against DESIGN.md §4's formula worked independently, a tiny run, and
// the errors a user can cause, none of which writes anything.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
@testable import Dream3D

/// Tests/Dream3DModelsTests/Fixtures/<path>: the models' fixtures, which this target does not bundle.
private func modelFixture(_ path: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Dream3DModelsTests/Fixtures").appendingPathComponent(path)
}

private func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-\(name)-\(UUID().uuidString)")
}

/// Renders at `renderSize`², encoded at 16² (8² latents: the fixture's VAE and U-Net each halve once).
private func fixtureSettings(renderSize: Int = 8) -> StableDiffusionSettings {
    var settings = StableDiffusionSettings()
    settings.renderSize = renderSize
    settings.resolution = 16
    return settings
}

private func fixturePrior() throws -> StableDiffusionPrior {
    try StableDiffusionPrior(pipeline: DiffusersPipeline(folder: modelFixture("pipeline")), settings: fixtureSettings())
}

/// The SD defaults shrunk to a run of a few seconds on the fixture.
private func tinySDConfiguration(steps: Int) throws -> TrainingConfiguration {
    var c = try TrainingConfiguration.defaults(guidance: "sd")
    c.steps = steps
    c.stableDiffusion = fixtureSettings()
    c.field.encoding.log2TableSize = 14
    c.marcher.samplesPerRay = 48
    c.albedoOnlySteps = 1
    c.occupancyInterval = 2
    c.logEvery = 2
    c.checkpointEvery = 2
    c.meshResolution = 32
    c.meshThreshold = 5
    return c
}

@Suite struct StableDiffusionGuidanceTests {
    let camera = Camera(elevation: 15, azimuth: 30, distance: 1.8, fovy: 0.8, width: 8, height: 8)

    @Test func rendersEncodeToDiffusersLatentsAndTheirGradientReachesTheRender() throws {
        let file = try SafetensorsFile(contentsOf: modelFixture("sd_encode_io.safetensors"))
        let render = try file.tensor("render").requiringGrad(), weights = try file.tensor("weights").scalars
        let prior = try fixturePrior()
        let latents = prior.encodeRenders(render)
        #expect(latents.shape == [1, 4, 8, 8])
        expectClose(latents.scalars, try file.tensor("latents").scalars, tolerance: 1e-4, "latents vs diffusers' resize → encode → mean × scaling")
        latents.backward(seed: weights)
        let tape = render.gradScalars
        expectClose(tape, try file.tensor("render_grad").scalars, tolerance: 1e-4, "∂(Σ w·latents)/∂render vs torch autograd")

        // Central differences of L = Σ w·latents at every render value, L summed in Double (DESIGN.md §8).
        func loss() -> Double { zip(withoutGrad { prior.encodeRenders(render) }.scalars, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        let eps: Float = 1e-2
        var mismatches: [String] = []
        for i in render.scalars.indices {
            let x0 = render.scalars[i]
            render.scalars[i] = x0 + eps
            let plus = loss()
            render.scalars[i] = x0 - eps
            let minus = loss()
            render.scalars[i] = x0
            let numeric = (plus - minus) / Double(2 * eps)
            if abs(Double(tape[i]) - numeric) > 2e-3 * max(1, abs(numeric)) { mismatches.append("render[\(i)]: tape \(tape[i]) vs \(numeric)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(render.count) gradients differ from finite differences: \(mismatches.prefix(3))")
        #expect(tape.contains { abs($0) > 0.05 }, "gradients too small to test")
        // Only the render learns: the VAE's weights are frozen and got no gradient.
        #expect(prior.vae.namedParameters().allSatisfy { !$0.1.requiresGrad && !$0.1.hasGrad })
    }

    @Test func theLatentSDSGradientIsTheWeightedGuidedNoiseResidual() throws {
        // DESIGN.md §4: ∇_x L_SDS = w(t)·(ε̂_u + s·(ε̂_c − ε̂_u) − ε), w(t) = 1 − ᾱ_t, z_t = √ᾱ_t·x + √(1 − ᾱ_t)·ε,
        // worked here with diffusers' ᾱ (ddim_io's alphas_cumprod), the same draws replayed, and the U-Net
        // called once per branch (the prior batches them).
        let prior = try fixturePrior()
        let alphasCumprod = try SafetensorsFile(contentsOf: modelFixture("ddim_io.safetensors")).tensor("alphas_cumprod").scalars
        var generator = SeededGenerator(seed: 3)
        let x = withoutGrad { prior.encodeRenders(Tensor(shape: [1, 3, 8, 8], scalars: generator.uniforms(3 * 8 * 8))) }
        let sds = ScoreDistillation()
        #expect(sds.guidanceScale == 100)
        for seed in [4, 5, 6] as [UInt64] {
            var draws = SeededGenerator(seed: seed), replay = draws
            let (gradient, step) = sds.imageGradient(x, cameras: [camera], prompt: "a red chair", prior: prior, using: &draws)
            let t = drawTimestep(sds.tRange, cappedAt: nil, steps: 1000, using: &replay)
            #expect(t == step.timestep && (20...980).contains(t))
            let noise = replay.normals(x.count), abar = alphasCumprod[t]
            let z = Tensor(shape: x.shape, scalars: x.scalars.indices.map { abar.squareRoot() * x.scalars[$0] + (1 - abar).squareRoot() * noise[$0] })
            func epsilon(_ prompt: String) -> [Float] {
                withoutGrad { prior.pipeline.unet(z, timesteps: [Float(t)], encoderHiddenStates: prior.pipeline.encode(prompt: prompt)) }.scalars
            }
            let unconditional = epsilon(""), conditional = epsilon("a red chair")
            let expected = x.scalars.indices.map { (1 - abar) * (unconditional[$0] + 100 * (conditional[$0] - unconditional[$0]) - noise[$0]) }
            expectClose(gradient, expected, tolerance: 1e-3, "latent SDS gradient at t = \(t)")
            #expect(expected.contains { abs($0) > 0.1 }, "the expected gradient is too small to test")
            // Stable Diffusion knows no cameras: another viewpoint gives the same gradient.
            var again = SeededGenerator(seed: seed)
            let turned = Camera(elevation: 40, azimuth: 200, distance: 1.6, fovy: 1.1, width: 8, height: 8)
            #expect(sds.imageGradient(x, cameras: [turned], prompt: "a red chair", prior: prior, using: &again).gradient == gradient)
        }
    }

    @Test func aVPredictionModelsOutputIsConvertedToNoise() throws {
        // SD 2.x 768-v: the U-Net outputs v, and guidance needs ε = α_t·v + σ_t·z_t (Salimans & Ho 2022).
        let folder = temporaryFolder("sd-v")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: modelFixture("pipeline"), to: folder)
        let config = folder.appendingPathComponent("scheduler/scheduler_config.json")
        try Data(try String(contentsOf: config, encoding: .utf8)
            .replacingOccurrences(of: "\"prediction_type\": \"epsilon\"", with: "\"prediction_type\": \"v_prediction\"").utf8).write(to: config)
        let prior = try StableDiffusionPrior(pipeline: DiffusersPipeline(folder: folder), settings: fixtureSettings())
        #expect(prior.predictionType == "v_prediction")
        let alphasCumprod = try SafetensorsFile(contentsOf: modelFixture("ddim_io.safetensors")).tensor("alphas_cumprod").scalars
        var generator = SeededGenerator(seed: 9)
        let z = Tensor(shape: [1, 4, 8, 8], scalars: generator.normals(4 * 8 * 8)), t = 600
        let v = withoutGrad { prior.unet(z, timesteps: [Float(t)], encoderHiddenStates: prior.pipeline.encode(prompt: "a red chair")) }.scalars
        let expected = z.scalars.indices.map { alphasCumprod[t].squareRoot() * v[$0] + (1 - alphasCumprod[t]).squareRoot() * z.scalars[$0] }
        expectClose(prior.predictNoise(z, timestep: t, prompt: "a red chair", cameras: [camera], guidanceScale: 1).scalars, expected,
                    tolerance: 1e-5, "ε from a v-prediction U-Net")
    }

    @Test func aTinySDGuidedRunTrainsTheFieldAndExportsAMesh() throws {
        let folders = [RunFolder(temporaryFolder("sd-run")), RunFolder(temporaryFolder("sd-run-again"))]
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder.url) } }
        let configuration = try tinySDConfiguration(steps: 4)
        let manifest = RunManifest(prompt: "a red chair", guidance: "sd", model: modelFixture("pipeline").path)
        let prior = try loadGuidancePrior(guidance: "sd", model: modelFixture("pipeline"), configuration: configuration)
        #expect(prior is StableDiffusionPrior)
        /// The run in `folder` (resumed when `resume`), stopped before step `stopAt` when given.
        func run(_ prior: some DiffusionPrior, in folder: RunFolder, resume: Bool = false,
                 stopAt: Int? = nil) throws -> (before: [[Float]], after: [[Float]], result: GenerationResult) {
            let run = try GenerationRun(manifest: manifest, configuration: configuration, prior: prior, folder: folder, resume: resume)
            let before = run.trainer.optimizer.parameters.map(\.scalars)
            let result = try run.run(shouldStop: { run.trainer.step == stopAt })
            return (before, run.trainer.optimizer.parameters.map(\.scalars), result)
        }
        let (before, after, result) = try run(prior, in: folders[0])
        #expect(result.steps == 4 && !result.interrupted && result.mesh.triangleCount > 0)
        #expect(after.allSatisfy { $0.allSatisfy(\.isFinite) })
        #expect(zip(before, after).contains { $0 != $1 }, "four SD-guided steps left every parameter as it was")
        for file in [folders[0].meshOBJ, folders[0].meshGLB, folders[0].checkpoint] { #expect(FileManager.default.fileExists(atPath: file.path)) }
        let metrics = try String(contentsOf: folders[0].metrics, encoding: .utf8).split(separator: "\n")
        #expect(metrics.count == 2 && metrics.allSatisfy { !$0.contains("\"gradient\":0,") }, "\(metrics)")
        // Deterministic by seed, across an interruption: the run stopped after 2 steps and resumed from its folder
        // ends with the same checkpoint, byte for byte.
        #expect(try run(prior, in: folders[1], stopAt: 2).result.interrupted)
        #expect(try run(prior, in: folders[1], resume: true).result.steps == 4)
        #expect(try Data(contentsOf: folders[0].checkpoint) == Data(contentsOf: folders[1].checkpoint))
    }

    @Test func vsdAdaptsStableDiffusionsUNetOnTheLatents() throws {
        // ProlificDreamer with SD (threestudio's stable-diffusion-vsd-guidance): ε_ψ is a LoRA copy of SD's U-Net
        // trained on the render's latents beside the scene; its loss is logged and its adapters move.
        let folder = RunFolder(temporaryFolder("sd-vsd"))
        defer { try? FileManager.default.removeItem(at: folder.url) }
        var configuration = try tinySDConfiguration(steps: 4)
        configuration.method = "vsd"
        let prior = try fixturePrior()
        let run = try GenerationRun(manifest: RunManifest(prompt: "a red chair", guidance: "sd", model: nil), configuration: configuration,
                                    prior: prior, folder: folder, resume: false)
        let scoreModel = try #require(run.trainer.scoreModel)
        #expect(scoreModel.base === prior && scoreModel.unet !== prior.unet)
        // Fresh (lora_B and the camera embedding's output layer at zero), ε_ψ is SD's conditional ε̂.
        var generator = SeededGenerator(seed: 8)
        let z = Tensor(shape: [1, 4, 8, 8], scalars: generator.normals(4 * 8 * 8))
        let conditional = withoutGrad { prior.unet(z, timesteps: [300], encoderHiddenStates: prior.pipeline.encode(prompt: "a red chair")) }
        expectClose(scoreModel.predictNoise(z, timestep: 300, prompt: "a red chair", cameras: [camera]).scalars, conditional.scalars,
                    tolerance: 1e-5, "fresh ε_ψ vs SD's conditional ε̂")
        let adapters = scoreModel.optimizer.parameters.filter { $0.name!.hasSuffix("lora_B.weight") }
        #expect(!adapters.isEmpty && adapters.allSatisfy { $0.scalars.allSatisfy { $0 == 0 } })
        let result = try run.run()
        #expect(result.steps == 4 && result.mesh.triangleCount > 0)
        #expect(adapters.contains { $0.scalars.contains { $0 != 0 } }, "ε_ψ's LoRA did not train")
        #expect((run.trainer.optimizer.parameters + scoreModel.optimizer.parameters).allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
        let metrics = try String(contentsOf: folder.metrics, encoding: .utf8)
        #expect(metrics.split(separator: "\n").allSatisfy { $0.contains("\"scoreModelLoss\":") }, "\(metrics)")
        // The prior's own U-Net stays as loaded.
        let loaded = try UNet2DConditionModel(folder: modelFixture("pipeline/unet"))
        #expect(zip(prior.unet.namedParameters(), loaded.namedParameters()).allSatisfy { $0.1.scalars == $1.1.scalars })
    }

    @Test func theStableDiffusionRecipeIsItsDefaults() throws {
        let scenes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenes")
        let sd = try TrainingConfiguration.defaults(guidance: "sd")
        let recipe = scenes.appendingPathComponent("sds-stable-diffusion.yaml")
        #expect(try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: recipe, overrides: []) == sd)
        #expect(sd.sds.guidanceScale == 100 && sd.sds.tRange == 0.02...0.98 && sd.stableDiffusion == StableDiffusionSettings())
        #expect(try TrainingConfiguration.defaults(guidance: "builtin") == TrainingConfiguration())
    }

    @Test func badModelsAndSettingsAreNamedAndWriteNothing() throws {
        let configuration = try tinySDConfiguration(steps: 2)
        let scratch = temporaryFolder("sd-bad")
        defer { try? FileManager.default.removeItem(at: scratch) }
        #expect(throws: GenerationError.missingModel(guidance: "sd")) { try loadGuidancePrior(guidance: "sd", model: nil, configuration: configuration) }
        #expect(throws: GenerationError.unknownGuidance("imagen")) {
            try loadGuidancePrior(guidance: "imagen", model: modelFixture("pipeline"), configuration: configuration)
        }
        #expect(throws: GenerationError.unknownGuidance("imagen")) { try TrainingConfiguration.defaults(guidance: "imagen") }

        func expectLoadError(_ folder: URL, naming fact: String, sourceLocation: SourceLocation = #_sourceLocation) {
            let error = #expect(throws: ModelLoadError.self, sourceLocation: sourceLocation) {
                try loadGuidancePrior(guidance: "sd", model: folder, configuration: configuration)
            }
            #expect(error?.description.contains(fact) == true && error?.description.contains("hint:") == true, "\(String(describing: error))",
                    sourceLocation: sourceLocation)
        }
        expectLoadError(scratch.appendingPathComponent("nowhere"), naming: "model_index.json")
        // A copy of the fixture with its U-Net weights cut short, and one whose index lists no VAE.
        let corrupt = scratch.appendingPathComponent("corrupt"), pixel = scratch.appendingPathComponent("pixel")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for copy in [corrupt, pixel] { try FileManager.default.copyItem(at: modelFixture("pipeline"), to: copy) }
        let weights = corrupt.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        try Data(try Data(contentsOf: weights).prefix(1000)).write(to: weights)
        expectLoadError(corrupt, naming: weights.path)
        let index = pixel.appendingPathComponent("model_index.json")
        var entries = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: index)) as? [String: Any])
        entries["vae"] = nil
        try JSONSerialization.data(withJSONObject: entries).write(to: index)
        #expect(throws: GenerationError.notLatentDiffusion(path: pixel.path)) {
            try loadGuidancePrior(guidance: "sd", model: pixel, configuration: configuration)
        }
        var odd = configuration
        odd.stableDiffusion.resolution = 18                    // the fixture needs a multiple of 4
        let error = #expect(throws: ConfigurationError.self) { try loadGuidancePrior(guidance: "sd", model: modelFixture("pipeline"), configuration: odd) }
        #expect(error?.description.hasPrefix("stableDiffusion.resolution:") == true)

        // VSD's ε_ψ adapts the prior's U-Net: a prior that is no network is refused before the folder exists.
        var vsd = tinyConfiguration(steps: 2)
        vsd.method = "vsd"
        let folder = RunFolder(scratch.appendingPathComponent("vsd"))
        #expect(throws: GenerationError.vsdNeedsNetwork(prior: "AnalyticPrior")) {
            try GenerationRun(manifest: RunManifest(prompt: "a sphere", guidance: "builtin", model: nil), configuration: vsd,
                              prior: tinyAnalyticPrior(), folder: folder, resume: false)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.path))
    }
}
