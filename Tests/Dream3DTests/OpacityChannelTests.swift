// Issue 9's opacity channel: a built-in prior that denoises each view's opacity as a fourth channel
// after RGB. A fine-tune from an RGB prior starts exactly where that prior was; the prior trains on
// the renders' coverage, exports and reloads with the channel; and SDS with such a prior shapes the
// render's opacity even where its colours say nothing.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

/// The tiny prior configuration with the opacity channel.
func tinyOpacityPriorTrainer(seed: UInt64) throws -> PriorTrainer {
    var configuration = try tinyPriorConfiguration()
    configuration.addOpacityChannel()
    return try makePriorTrainer(configuration, seed: seed)
}

@Suite struct OpacityChannelTests {
    /// The widened first convolution ignores the new channel and the widened last one outputs zero in it,
    /// so the RGB prediction is the source prior's whatever the opacity input holds.
    @Test func aFineTuneFromAnRGBPriorKeepsItsPredictionAndStartsTheOpacityAtZero() throws {
        let source = try tinyPriorTrainer(seed: 4)
        for _ in 0..<2 { source.trainStep() }
        let fineTune = try tinyOpacityPriorTrainer(seed: 5)
        try fineTune.startFrom(source.model, path: "source")
        let model = fineTune.model
        #expect(model.unet.configuration.inChannels == 10 && model.unet.configuration.outChannels == 4)
        let examples = source.dataset.examples(0..<2)
        var generator = SeededGenerator(seed: 1)
        let plane = 16 * 16, rgb = generator.normals(2 * 3 * plane), opacity = generator.normals(2 * plane)
        let z3 = Tensor(shape: [2, 3, 16, 16], scalars: rgb)
        var joined: [Float] = []
        for i in 0..<2 {
            joined += rgb[(i * 3 * plane)..<((i + 1) * 3 * plane)]
            joined += opacity[(i * plane)..<((i + 1) * plane)]
        }
        let z4 = Tensor(shape: [2, 4, 16, 16], scalars: joined)
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera))
        let before = withoutGrad { source.model(z3, timesteps: [500, 900], conditions: conditions) }
        let after = withoutGrad { model(z4, timesteps: [500, 900], conditions: conditions) }
        #expect(after.shape == [2, 4, 16, 16])
        for i in 0..<2 {
            let old = Array(before.scalars[(i * 3 * plane)..<((i + 1) * 3 * plane)])
            let new = Array(after.scalars[(i * 4 * plane)..<(i * 4 * plane + 3 * plane)])
            let opacityOutput = Array(after.scalars[(i * 4 * plane + 3 * plane)..<((i + 1) * 4 * plane)])
            #expect(zip(old, new).allSatisfy { (a: Float, b: Float) in abs(a - b) <= 1e-5 * max(1, abs(a)) }, "image \(i): RGB prediction changed")
            #expect(opacityOutput.allSatisfy { $0 == 0 }, "image \(i): opacity output not zero")
        }
    }

    /// Training batches carry each example's coverage as the fourth channel; the prior exports with the
    /// channel named in dream3d_prior.json and reloads with the same outputs; samples have four channels.
    @Test func anOpacityPriorTrainsOnCoverageExportsAndReloads() throws {
        let trainer = try tinyOpacityPriorTrainer(seed: 2)
        let batch = trainer.nextBatch(), plane = 16 * 16
        #expect(batch.images.count == 4 * 4 * plane)
        for (i, example) in batch.examples.enumerated() {
            #expect(Array(batch.images[(i * 4 * plane)..<(i * 4 * plane + 3 * plane)]) == example.image.scalars)
            #expect(Array(batch.images[(i * 4 * plane + 3 * plane)..<((i + 1) * 4 * plane)]) == example.opacity.scalars)
        }
        #expect(batch.examples.contains { e in e.opacity.scalars.contains { $0 > 0.5 } && e.opacity.scalars.contains { $0 == 0 } })
        #expect(trainer.trainStep().isFinite)
        let check = priorCheckInput(trainer.model, dataset: trainer.dataset)
        #expect(check.z.shape[1] == 4)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try exportBuiltInPrior(trainer.model, trainingStep: 1, to: folder, check: check, unetWeights: .f32)
        let extras = try JSONDecoder().decode(BuiltInPriorExtras.self, from: Data(contentsOf: folder.appendingPathComponent("dream3d_prior.json")))
        #expect(extras.unetInputChannels.prefix(4) == ["red", "green", "blue", "opacity"] && extras.unetInputChannels.count == 10)
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        #expect(loaded.configuration.opacityChannel == true && loaded.judgesOpacity)
        let output = { (m: BuiltInPriorModel) in withoutGrad { m(check.z, timesteps: check.timesteps, conditions: check.conditions).scalars } }
        #expect(output(loaded) == output(trainer.model))
        let camera = Camera(elevation: 15, azimuth: 0, distance: 1.75, fovy: 45 * .pi / 180, width: 16, height: 16)
        #expect(try samplePrior(trainer.model, prompts: ["a red chair"], cameras: [camera], steps: 2).shape == [1, 4, 16, 16])
    }

    /// A white bar on a white background: the colours carry no shape, so only the opacity channel can
    /// tell SDS where the bar is. With the exact denoiser of that reference, the render's opacity must
    /// move from the initial blob to the bar; an RGB-only prior on the same reference leaves it far off.
    @Test func sdsWithAnOpacityPriorShapesTheRendersOpacity() throws {
        let bar = AnalyticScene([ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.12, 0.6, 0.12), rounding: 0.03), color: SIMD3(1, 1, 1))])
        let tracer = SphereTracer(), white = SIMD3<Float>(1, 1, 1), size = 16
        func reference(_ camera: Camera) -> Tensor {
            let render = tracer.render(bar, camera: camera, lighting: Lighting(position: camera.position), mode: .albedo, background: white)
            return Tensor(shape: [1, 4, size, size], scalars: (render.image.scalars + render.opacity.scalars).map { 2 * $0 - 1 })
        }
        let barOpacity = reference(fixedCamera(size: size)).scalars.suffix(size * size).map { ($0 + 1) / 2 }
        func opacityError(judgesOpacity: Bool) throws -> Float {
            let schedule = NoiseSchedule(BuiltInPriorConfiguration().scheduler)
            let prior = AnalyticPrior(schedule: schedule, imageSize: size, judgesOpacity: judgesOpacity) { camera in
                let full = reference(camera)
                guard !judgesOpacity else { return full }
                return Tensor(shape: [1, 3, size, size], scalars: Array(full.scalars.prefix(3 * size * size)))
            }
            let configuration = referenceFitConfiguration()
            let trainer = try Trainer(prompt: "reference", prior: prior, configuration: configuration)
            for _ in 0..<configuration.steps { trainer.trainStep() }
            var generator = SeededGenerator(seed: 0)
            let camera = fixedCamera(size: size)
            let opacity = withoutGrad {
                trainer.renderer.render(camera, shading: .albedo, lighting: Lighting(position: camera.position), background: .solid(white),
                                        jitter: false, using: &generator).opacity
            }
            return zip(opacity.scalars, barOpacity).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Float(size * size)
        }
        let withOpacity = try opacityError(judgesOpacity: true), rgbOnly = try opacityError(judgesOpacity: false)
        #expect(withOpacity < 0.03 && withOpacity < 0.3 * rgbOnly, "opacity error \(withOpacity) with the opacity channel, \(rgbOnly) without")
    }

    /// The camera sensitivity of one channel is the plain ε error over that channel's plane only: here the
    /// true camera's error on the opacity plane, recomputed from the same held-out renders and noise.
    @Test func cameraSensitivityOfTheOpacityChannelAlone() throws {
        let trainer = try tinyOpacityPriorTrainer(seed: 6)
        trainer.trainStep()
        let model = trainer.model, count = 2, t = 600, plane = 16 * 16
        let opacity = conditionSensitivity(model, dataset: trainer.dataset, count: count, timesteps: [t], channels: 3..<4)
        let all = conditionSensitivity(model, dataset: trainer.dataset, count: count, timesteps: [t])
        let examples = trainer.dataset.render(heldOutSetups(trainer.dataset, count: count))
        var generator = SeededGenerator(seed: 0).split("camera sensitivity")
        let noise = generator.normals(count * 4 * plane)
        let z = Tensor(shape: [count, 4, 16, 16], scalars: model.noisedImages(model.configuration.images(examples), timesteps: [t, t], noise: noise))
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map { $0.camera.withSize(16) })
        let predicted = withoutGrad { model.predictNoise(z, timesteps: [t, t], conditions: conditions) }.scalars
        func error(_ indices: [Int]) -> Float {
            Float(indices.map { Double(predicted[$0] - noise[$0]) * Double(predicted[$0] - noise[$0]) }.reduce(0, +) / Double(indices.count))
        }
        var opacityPlanes: [Int] = []
        for i in 0..<count { opacityPlanes += Array((i * 4 * plane + 3 * plane)..<((i + 1) * 4 * plane)) }
        let opacityError = error(opacityPlanes), allError = error(Array(0..<(count * 4 * plane)))
        #expect(abs(opacity.unturned[0] - opacityError) <= 1e-5 * opacityError)
        #expect(abs(all.unturned[0] - allError) <= 1e-5 * allError)
        #expect(opacity.unturned[0] != all.unturned[0])
    }

    /// SJC and VSD take an opacity prior as SDS does: its four-channel renders go through their scoring and,
    /// for VSD, through ε_ψ (a LoRA copy of the same U-Net) and its own training step.
    @Test func sjcAndVSDRunWithAnOpacityPrior() throws {
        let prior = try tinyOpacityPriorTrainer(seed: 3).model
        // A fresh U-Net's last convolution is zero (it predicts nothing); give it weights, as tinyScoreNetwork does.
        var generator = SeededGenerator(seed: 3).split("conv_out")
        for (name, p) in prior.unet.namedParameters() where name.hasPrefix("conv_out") { p.scalars = generator.uniforms(p.count, in: -0.2...0.2) }
        for method in ["sjc", "vsd"] {
            var configuration = TrainingConfiguration()
            configuration.method = method
            configuration.steps = 2
            configuration.field.encoding.levels = 8
            configuration.field.encoding.log2TableSize = 14
            let trainer = try Trainer(prompt: "a red chair", prior: prior, configuration: configuration)
            for _ in 0..<2 {
                let metrics = trainer.trainStep()
                #expect(metrics.gradientScale.isFinite && metrics.gradientScale > 0, "\(method)")
                #expect(method == "sjc" || metrics.scoreModelLoss?.isFinite == true, "\(method)")
            }
        }
    }

    private func fixedCamera(size: Int) -> Camera {
        Camera(elevation: 10, azimuth: 0, distance: 1.75, fovy: 45 * .pi / 180, width: size, height: size)
    }
}
