// Trainer.swift — the optimisation loop of DESIGN.md §2: random camera → render on the tape → the
// prior's encoding of it (pixels in [−1, 1], or Stable Diffusion's latents), still on the tape → its
// gradient from the guidance → backward with the regularisers → Adam step; the occupancy grid is
// refreshed every few steps. VSD's ε_ψ then takes its own step on the same encoding. Every random
// choice comes from purpose-split streams of the seed.
import Dream3DCore
import Dream3DScene
import Dream3DShapes

/// What one step reports.
public struct StepMetrics: Sendable {
    public var step: Int
    public var timestep: Int
    public var gradientScale: Float
    public var regularisation: Float
    public var samples: Int
    /// VSD: ε_ψ's diffusion loss on this step's render, before its update (nil for other methods).
    public var scoreModelLoss: Float?
}

public final class Trainer<Prior: DiffusionPrior> {
    public let configuration: TrainingConfiguration
    public let prompt: String
    public let prior: Prior
    public let field: NeRFField
    public let renderer: VolumeRenderer
    public let optimizer: Adam
    public let background: BackgroundNetwork?
    /// VSD's ε_ψ with its own optimiser (nil for SDS and SJC).
    public let scoreModel: RenderScoreModel?
    public internal(set) var step = 0
    var cameraStream: SeededGenerator, noiseStream: SeededGenerator, renderStream: SeededGenerator, scoreStream: SeededGenerator

    /// `scoreNetwork` is the network VSD's ε_ψ adapts (a copy of its U-Net gets the LoRA); nil takes the
    /// prior itself, which must then be a network (the built-in prior or Stable Diffusion; VSD with any other
    /// prior is refused with `GenerationError.vsdNeedsNetwork`). Tests pair the analytic prior, which is no
    /// network, with a small one; its schedule must be the prior's.
    public init(prompt: String, prior: Prior, configuration: TrainingConfiguration, scoreNetwork: (any ScoreNetwork)? = nil) throws(GenerationError) {
        self.prompt = prompt
        self.prior = prior
        self.configuration = configuration
        let root = SeededGenerator(seed: configuration.seed)
        var initialization = root.split("init")
        cameraStream = root.split("cameras")
        noiseStream = root.split("noise")
        renderStream = root.split("render")
        scoreStream = root.split("score model")
        if prior.viewsPerSample > 1, configuration.method != "sds" { throw .multiViewMethod(method: configuration.method) }
        if configuration.method == "vsd" {
            guard let base = scoreNetwork ?? (prior as? any ScoreNetwork) else { throw .vsdNeedsNetwork(prior: "\(Prior.self)") }
            precondition(base.schedule.alphasCumprod == prior.schedule.alphasCumprod, "VSD: ε_ψ's noise schedule differs from the prior's")
            var scoreInitialization = root.split("score model init")
            scoreModel = RenderScoreModel(adapting: base, configuration: configuration.vsd, using: &scoreInitialization)
        } else {
            scoreModel = nil
        }
        field = NeRFField(configuration.field, generator: &initialization)
        renderer = VolumeRenderer(field: field, marcher: configuration.marcher)
        background = configuration.background == "learned" ? BackgroundNetwork(generator: &initialization) : nil
        let networks = field.densityNetwork.weights + field.featureNetwork.weights + (background?.network.weights ?? [])
        optimizer = Adam(groups: [
            ParameterGroup(name: "encoding", parameters: [field.encoding.params], learningRate: configuration.encodingLearningRate,
                           skipsZeroGradients: true),
            ParameterGroup(name: "networks", parameters: networks, learningRate: configuration.networkLearningRate),
        ], beta2: 0.99, epsilon: 1e-15)
    }

    /// One optimisation step.
    @discardableResult
    public func trainStep() -> StepMetrics {
        let c = configuration
        if step % c.occupancyInterval == 0 { renderer.updateOccupancy(using: &renderStream) }
        var cameras = c.cameras
        cameras.width = prior.imageSize * c.supersampling
        cameras.height = prior.imageSize * c.supersampling
        let camera = cameras.sample(using: &cameraStream)
        // A multi-view prior judges views 90° apart (its training groups' turns), each lit around its own
        // camera as the prior's groups are by default; the views share the shading mode and the background.
        let views = prior.viewsPerSample == 1 ? [camera] : groupCameras(camera, views: prior.viewsPerSample)
        let lightings = views.map { Lighting.random(around: $0, ambient: cameraStream.uniform(in: c.ambientRange), using: &cameraStream) }
        let shading = shadingMode(using: &cameraStream)
        let behind: Background
        switch c.background {
        case "white": behind = .solid(SIMD3(1, 1, 1))
        case "learned": behind = .learned(background!)
        default: behind = .randomSolid(using: &cameraStream)
        }
        optimizer.zeroGrad()
        let renders = zip(views, lightings).map { view, lighting in
            renderer.render(view, shading: shading, lighting: lighting, background: behind, using: &renderStream)
        }
        // The render as the prior sees it, on the tape: the guidance's ∂L/∂x reaches the render through it
        // (through the VAE encoder for Stable Diffusion: threestudio's encode_images with gradients).
        // A prior that judges opacity gets each render's opacity as a fourth channel. Supersampled renders
        // are pooled to the prior's size, and the prior sees the camera at that size; a multi-view prior
        // sees the views as one 2×2 tile.
        let images = renders.map { render in
            let side = cameras.width
            let image = prior.judgesOpacity ? Tensor.concatenate([render.image, render.opacity.reshaped([1, 1, side, side])], axis: 1) : render.image
            return c.supersampling > 1 ? image.averagePooled(factor: c.supersampling) : image
        }
        let x = prior.encodeRenders(images.count == 1 ? images[0] : tileViewsOnTape(images))
        let seen = views.map { $0.withSize(prior.imageSize) }
        let progress = Float(step) / Float(max(1, c.steps - 1))
        let tMax = c.sds.tRange.upperBound + (c.annealedTMax - c.sds.tRange.upperBound) * progress
        let prompt = guidancePrompt(for: camera)
        let gradient: [Float], guidance: ScoreDistillation.Step
        var scoreModelLoss: Float?
        switch c.method {
        case "sjc":
            (gradient, guidance) = c.sjc.imageGradient(x, cameras: seen, prompt: prompt, prior: prior, tMax: tMax, using: &noiseStream)
        case "vsd":
            (gradient, guidance) = c.vsd.imageGradient(x, cameras: seen, prompt: prompt, prior: prior, scoreModel: scoreModel!,
                                                       tMax: tMax, using: &noiseStream)
            scoreModelLoss = scoreModel!.trainStep(on: x, prompt: prompt, cameras: seen, using: &scoreStream)
        default:
            (gradient, guidance) = c.sds.imageGradient(x, cameras: seen, prompt: prompt, prior: prior, tMax: tMax, using: &noiseStream)
        }
        var regularisation: Float = 0
        var losses: [Tensor] = []
        for (view, render) in zip(views, renders) {
            if c.sparsityWeight > 0 { losses.append(sparsityLoss(opacity: render.opacity) * c.sparsityWeight) }
            if c.opacityEntropyWeight > 0 { losses.append(opacityEntropyLoss(opacity: render.opacity) * c.opacityEntropyWeight) }
            if c.orientationWeight > 0, render.normals != nil { losses.append(orientationLoss(render) * c.orientationWeight) }
            if c.method == "sjc" { losses += sjcLosses(render, camera: view) }
        }
        if losses.isEmpty {
            x.backward(seed: gradient)
        } else {
            // One backward for both: the losses hang from the compositing node the image comes from, and a
            // backward releases the graph it walks, so a second pass would stop there. Σ x·g has gradient g.
            let total = losses.dropFirst().reduce(losses[0], +)
            regularisation = total.item
            (total + (x * Tensor(shape: x.shape, scalars: gradient)).sum()).backward()
        }
        optimizer.step()
        step += 1
        return StepMetrics(step: step, timestep: guidance.timestep, gradientScale: guidance.gradientScale,
                           regularisation: regularisation, samples: renders.map(\.samples.count).reduce(0, +), scoreModelLoss: scoreModelLoss)
    }

    /// SJC's emptiness loss, its weight multiplied from `emptinessRampStart` of the run on (run_sjc.py:
    /// from step emptiness_step·n_steps), and its centre-depth loss.
    private func sjcLosses(_ render: Render, camera: Camera) -> [Tensor] {
        let sjc = configuration.sjc
        var losses: [Tensor] = []
        if sjc.emptinessWeight > 0 {
            let ramped = Float(step) >= sjc.emptinessRampStart * Float(configuration.steps)
            let weight = sjc.emptinessWeight * (ramped ? sjc.emptinessMultiplier : 1)
            losses.append(emptinessLoss(weights: render.weights, scale: sjc.emptinessScale) * weight)
        }
        if sjc.centreDepthWeight > 0 {
            losses.append(centreDepthLoss(depth: render.depth, opacity: render.opacity, width: camera.width, height: camera.height)
                          * sjc.centreDepthWeight)
        }
        return losses
    }

    /// The prompt the prior is asked about for `camera`: with view-dependent prompting (DreamFusion §3.2)
    /// the side the camera sees is appended, ", side view", as in the built-in prior's captions, unless
    /// the prompt names a view itself.
    func guidancePrompt(for camera: Camera) -> String {
        let namesView = ViewLabel.allCases.contains { prompt.hasSuffix(", \($0.promptSuffix)") }
        return configuration.viewDependentPrompts && !namesView ? "\(prompt), \(camera.viewLabel.promptSuffix)" : prompt
    }

    /// Albedo only during warm-up, then lambertian or textureless with the configured shares.
    private func shadingMode(using generator: inout SeededGenerator) -> ShadingMode {
        let c = configuration, draw = generator.uniform()
        guard step >= c.albedoOnlySteps, draw < c.shadedProbability else { return .albedo }
        return draw < c.shadedProbability * c.texturelessShare ? .textureless : .lambertian
    }
}
