// VSD's gradient against its formula and its limits, and ε_ψ's training step.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

/// A network of the built-in architecture at 16² (tinyPriorConfiguration) with random weights throughout,
/// its last convolution included: the prior's own initialisation zeroes that one, and through a zero
/// output layer no adapter could change the output.
func tinyScoreNetwork(seed: UInt64) throws -> BuiltInPriorModel {
    let network = try BuiltInPriorModel(tinyPriorConfiguration(), vocabulary: PromptGrammar(library: ShapeLibrary.load()).vocabulary, seed: seed)
    var generator = SeededGenerator(seed: seed).split("conv_out")
    for (name, p) in network.unet.namedParameters() where name.hasPrefix("conv_out") { p.scalars = generator.uniforms(p.count, in: -0.2...0.2) }
    return network
}

/// Expects `a` equal to `b` within `tolerance`·max(1, |b|), naming the worst element (as the core tests'
/// expectClose in Tests/Dream3DCoreTests/GradCheck.swift, which this target cannot see).
func expectClose(_ a: [Float], _ b: [Float], tolerance: Float, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.count == b.count && !a.isEmpty, "\(what): \(a.count) values vs \(b.count)", sourceLocation: sourceLocation)
    guard a.count == b.count, !a.isEmpty else { return }
    let worst = a.indices.max { abs(a[$0] - b[$0]) < abs(a[$1] - b[$1]) }!
    #expect(abs(a[worst] - b[worst]) <= tolerance * max(1, abs(b[worst])), "\(what): index \(worst) is \(a[worst]), expected \(b[worst])",
            sourceLocation: sourceLocation)
}

@Suite struct VariationalScoreDistillationTests {
    let camera = Camera(elevation: 20, azimuth: 30, distance: 1.8, fovy: 0.8, width: 16, height: 16)

    @Test func withTheExactScoreOfItsOneRenderVSDIsSDS() {
        // ProlificDreamer §4: for a single particle and a perfect ε_ψ, VSD is SDS. The renders' distribution
        // is then the one image x, whose exact denoiser (the analytic prior over x) gives
        // ε_ψ(z_t) = (z_t − α_t x)/σ_t = ε, so w(ε̂ − ε_ψ) is SDS's w(ε̂ − ε) for the same t and ε.
        let size = 8, schedule = NoiseSchedule(betas: [Float](repeating: 0.02, count: 100))
        let reference = (0..<(3 * size * size)).map { Float($0 % 7) / 6 }
        let render = Tensor(shape: [1, 3, size, size], scalars: reference.indices.map { Float(($0 * 5) % 11) / 10 })
        let prior = AnalyticPrior(schedule: schedule, imageSize: size) { _ in Tensor(shape: [1, 3, size, size], scalars: reference.map { 2 * $0 - 1 }) }
        let particle = AnalyticPrior(schedule: schedule, imageSize: size) { _ in Tensor(shape: [1, 3, size, size], scalars: render.scalars.map { 2 * $0 - 1 }) }
        var sds = ScoreDistillation()
        sds.tRange = VariationalScoreDistillation().tRange
        let x = prior.encodeRenders(render)
        for seed in 0..<10 as Range<UInt64> {
            var forVSD = SeededGenerator(seed: seed), forSDS = forVSD
            let (vsd, step) = VariationalScoreDistillation().imageGradient(x, cameras: [camera], prompt: "", prior: prior, scoreModel: particle,
                                                                           using: &forVSD)
            let (expected, sdsStep) = sds.imageGradient(x, cameras: [camera], prompt: "", prior: prior, using: &forSDS)
            #expect(step.timestep == sdsStep.timestep)
            expectClose(vsd, expected, tolerance: 1e-3, "VSD with the exact single-particle ε_ψ vs SDS at t = \(step.timestep)")
        }
    }

    @Test func aFreshScoreModelIsThePriorsConditionalPredictionSoVSDIsTheGuidanceTerm() throws {
        // lora_B and the camera embedding's output layer start at zero, so ε_ψ = ε̂(z; y, c): VSD's gradient is
        // then w(ε̂_CFG − ε̂_c) = w(s − 1)(ε̂_c − ε̂_u), zero at s = 1 (ε_ψ equal to the pretrained prediction).
        let network = try tinyScoreNetwork(seed: 3)
        var initialization = SeededGenerator(seed: 4)
        let scoreModel = RenderScoreModel(adapting: network, configuration: VariationalScoreDistillation(), using: &initialization)
        var generator = SeededGenerator(seed: 5)
        let z = Tensor(shape: [1, 3, 16, 16], scalars: generator.normals(3 * 16 * 16))
        let conditional = withoutGrad {
            network.predictNoise(z, timesteps: [400], conditions: PriorConditions(captions: ["a red chair"], cameras: [camera]))
        }
        expectClose(scoreModel.predictNoise(z, timestep: 400, prompt: "a red chair", cameras: [camera]).scalars, conditional.scalars,
                    tolerance: 1e-5, "fresh ε_ψ vs the prior's conditional ε̂")

        let render = Tensor(shape: [1, 3, 16, 16], scalars: generator.uniforms(3 * 16 * 16)), x = network.encodeRenders(render)
        for scale: Float in [1, 7.5] {
            var vsd = VariationalScoreDistillation()
            vsd.guidanceScale = scale
            var draws = SeededGenerator(seed: 6), replay = draws
            let (gradient, _) = vsd.imageGradient(x, cameras: [camera], prompt: "a red chair", prior: network, scoreModel: scoreModel, using: &draws)
            let t = drawTimestep(vsd.tRange, cappedAt: nil, steps: network.schedule.count, using: &replay)
            let noise = Tensor(shape: render.shape, scalars: replay.normals(render.count))
            let zt = network.schedule.addNoise(Tensor(shape: render.shape, scalars: render.scalars.map { 2 * $0 - 1 }), noise: noise, t: t)
            let guided = network.predictNoise(zt, timestep: t, prompt: "a red chair", cameras: [camera], guidanceScale: scale)
            let plain = network.predictNoise(zt, timestep: t, prompt: "a red chair", cameras: [camera], guidanceScale: 1)
            let w = 1 - network.schedule.alphasCumprod[t]
            let expected = (0..<render.count).map { w * (guided.scalars[$0] - plain.scalars[$0]) }
            expectClose(gradient, expected, tolerance: 1e-4, "VSD gradient at CFG \(scale), t = \(t)")
            if scale == 1 { #expect(gradient.allSatisfy { abs($0) < 1e-4 }, "ε_ψ = ε̂ must give no gradient") }
        }
    }

    @Test func trainingLowersTheScoreModelsDiffusionLossOnFixedInputs() throws {
        let network = try tinyScoreNetwork(seed: 7)
        var initialization = SeededGenerator(seed: 8)
        var configuration = VariationalScoreDistillation()
        configuration.learningRate = 1e-2
        let scoreModel = RenderScoreModel(adapting: network, configuration: configuration, using: &initialization)
        let cameras = [camera, Camera(elevation: 5, azimuth: 200, distance: 1.6, fovy: 0.8, width: 16, height: 16)]
        let prior = tinyAnalyticPrior(schedule: network.schedule, imageSize: 16)
        let samples = Tensor(shape: [2, 3, 16, 16], scalars: cameras.flatMap { prior.references($0).scalars })   // in [−1, 1]
        var generator = SeededGenerator(seed: 9)
        let t = [250, 600], noise = generator.normals(samples.count), keep = [true, false]
        func loss() -> Tensor { scoreModel.diffusionLoss(samples, timesteps: t, noise: noise, prompt: "a sphere", cameras: cameras, keepCamera: keep) }
        let before = withoutGrad { loss() }.item
        for _ in 0..<30 {
            scoreModel.optimizer.zeroGrad()
            loss().backward()
            scoreModel.optimizer.step()
        }
        let after = withoutGrad { loss() }.item
        #expect(after < 0.8 * before, "ε_ψ's diffusion loss \(before) → \(after) after 30 steps")
        // Both kinds of trainable tensor moved; the frozen copy of the U-Net did not.
        let trained = scoreModel.optimizer.parameters
        #expect(trained.contains { $0.name!.hasSuffix("lora_B.weight") && $0.scalars.contains { $0 != 0 } })
        #expect(trained.contains { $0.name!.hasPrefix("vsd.camera_embedding.linear_2") && $0.scalars.contains { $0 != 0 } })
        for ((_, copy), (_, original)) in zip(scoreModel.unet.namedParameters(), network.unet.namedParameters()) {
            #expect(copy.scalars == original.scalars && !copy.requiresGrad)
        }
        var draws = SeededGenerator(seed: 10)
        #expect(scoreModel.trainStep(on: samples, prompt: "a sphere", cameras: cameras, using: &draws).isFinite)
    }
}
