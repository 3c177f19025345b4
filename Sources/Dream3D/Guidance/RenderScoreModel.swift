// RenderScoreModel.swift — VSD's ε_ψ (Wang et al. 2023, ProlificDreamer §4 and Algorithm 1; DESIGN.md §4):
// a diffusion model of the scene's own noisy renders, trained while the scene trains. As threestudio's
// stable_diffusion_vsd_guidance.py: the prior's U-Net with its weights frozen, LoRA adapters on every
// attention projection, and a camera embedding (the flattened camera-to-world matrix through a
// TimestepEmbedding MLP, 16 → time-embedding width) in the time embedding. After each VSD gradient it
// takes one AdamW step (betas 0.9/0.99, eps 1e-15, weight decay 0.01: threestudio's optimiser) of the
// standard diffusion loss mean‖output − target‖² (target ε, or v for a v-prediction U-Net) on the
// detached render at a fresh t ~ U{0, …, T − 1} and fresh noise, its camera input zeroed with
// probability `cameraDropout` (train_lora).
// Differs from threestudio, which adapts the prior's own U-Net and scales the LoRA to 0 for the
// pretrained branch: ε_ψ adapts a copy (the same outputs, and the prior is left untouched). The camera
// embedding is added to the built-in prior's class embedding instead of replacing it (that embedding
// carries the camera the prior was trained with; Stable Diffusion has none), and its output layer
// starts at zero, so a fresh ε_ψ equals the prior's conditional ε̂ (threestudio's starts with a random
// offset in the time embedding).
import Dream3DCore
import Dream3DModels
import Dream3DScene

public final class RenderScoreModel: DiffusionPrior {
    /// The adapted copy: frozen U-Net weights with LoRA adapters, sharing the text encoder and tokenizer.
    public let network: BuiltInPriorModel
    /// Flattened camera-to-world matrix [N, 16] → [N, time-embedding width].
    public let cameraEmbedding: TimestepEmbedding
    /// AdamW over the LoRA and camera-embedding tensors, named "vsd.…" (the run checkpoint's keys).
    public let optimizer: Adam
    public let cameraDropout: Float

    /// ε_ψ for `base` (the guiding prior's network, or any network of the built-in architecture) as
    /// `configuration` says; `generator` draws the LoRA and camera-embedding initialisation.
    public init(adapting base: BuiltInPriorModel, configuration: VariationalScoreDistillation, using generator: inout SeededGenerator) {
        let unet = try! UNet2DConditionModel(base.unet.configuration)      // the base's configuration was validated when it was built
        for ((_, copy), (_, original)) in zip(unet.namedParameters(), base.unet.namedParameters()) {
            copy.scalars = original.scalars
            _ = copy.requiringGrad(false)
        }
        network = BuiltInPriorModel(base.configuration, unet: unet, textEncoder: base.textEncoder, tokenizer: base.tokenizer)
        let lora = unet.addLoRA(LoRAConfiguration(rank: configuration.loraRank, alpha: Float(configuration.loraRank)), using: &generator)
        for tensor in lora { tensor.name = "vsd.unet." + tensor.name! }
        cameraEmbedding = TimestepEmbedding(inChannels: 16, timeEmbedDim: 4 * base.unet.configuration.blockOutChannels[0])
        let embedding = cameraEmbedding.namedParameters(prefix: "vsd.camera_embedding.")
        BuiltInPriorModel.initialise(embedding, using: &generator)
        for (name, tensor) in embedding where name.contains("linear_2") { tensor.scalars = zeroedStorage(tensor.count) }
        cameraEmbedding.assignParameterNames(prefix: "vsd.camera_embedding.")
        optimizer = Adam.adamW(groups: [ParameterGroup(name: "vsd", parameters: lora + embedding.map(\.1), learningRate: configuration.learningRate,
                                                       weightDecay: 0.01)], beta1: 0.9, beta2: 0.99, epsilon: 1e-15)
        cameraDropout = configuration.cameraDropout
    }

    public var schedule: NoiseSchedule { network.schedule }
    public var imageSize: Int { network.configuration.imageSize }

    /// ε_ψ(z; y, c, t) for noisy images z [N, 3, S, S] seen from `cameras`, as ε, without gradients. VSD uses
    /// ε_ψ without classifier-free guidance (threestudio's guidance_scale_lora 1), so `guidanceScale` must be 1.
    public func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float = 1) -> Tensor {
        precondition(guidanceScale == 1, "ε_ψ is evaluated without classifier-free guidance, got scale \(guidanceScale)")
        return withoutGrad {
            network.predictNoise(z, timesteps: [Int](repeating: t, count: cameras.count), conditions: conditions(prompt, cameras),
                                 textStates: textStates(prompt, count: cameras.count),
                                 addedEmbedding: cameraEmbedding(cameraInputs(cameras, keep: cameras.map { _ in true })))
        }
    }

    /// One optimiser step of the diffusion loss on renders [N, 3, S, S] in [0, 1] (their values only); returns
    /// the loss before the step. t, noise and the camera dropout come from `generator`.
    @discardableResult
    public func trainStep(on renders: Tensor, prompt: String, cameras: [Camera], using generator: inout SeededGenerator) -> Float {
        let steps = network.schedule.count
        let t = cameras.map { _ in Int(generator.next() % UInt64(steps)) }
        let noise = generator.normals(renders.count)
        let keep = cameras.map { _ in generator.uniform() >= cameraDropout }
        optimizer.zeroGrad()
        let loss = diffusionLoss(renders.scalars, timesteps: t, noise: noise, prompt: prompt, cameras: cameras, keepCamera: keep)
        loss.backward()
        optimizer.step()
        return loss.item
    }

    /// mean‖output − target‖² for renders (flat, values in [0, 1]) noised with `noise` at `t` (one per
    /// image); `keepCamera` false zeroes that image's camera-embedding input.
    func diffusionLoss(_ renders: [Float], timesteps t: [Int], noise: [Float], prompt: String, cameras: [Camera], keepCamera: [Bool]) -> Tensor {
        let s = network.configuration.imageSize, shape = [cameras.count, 3, s, s]
        let noisy = Tensor(shape: shape, scalars: network.noisedImages(renders, timesteps: t, noise: noise))
        let output = network(noisy, timesteps: t, conditions: conditions(prompt, cameras), textStates: textStates(prompt, count: cameras.count),
                             addedEmbedding: cameraEmbedding(cameraInputs(cameras, keep: keepCamera)))
        return Tensor.mseLoss(output, Tensor(shape: shape, scalars: network.trainingTargets(renders, timesteps: t, noise: noise)))
    }

    /// The prompt for every image, text and the prior's own camera inputs kept.
    private func conditions(_ prompt: String, _ cameras: [Camera]) -> PriorConditions {
        PriorConditions(captions: cameras.map { _ in prompt }, cameras: cameras)
    }

    /// The text encoder's states off the tape: ε_ψ trains its adapters, never the shared text encoder.
    private func textStates(_ prompt: String, count: Int) -> Tensor {
        withoutGrad { network.encodeText(PriorConditions(captions: [String](repeating: prompt, count: count), cameras: [])) }
    }

    /// [N, 16]: each camera-to-world matrix row by row (torch's c2w.view(B, −1)), zeros where dropped.
    private func cameraInputs(_ cameras: [Camera], keep: [Bool]) -> Tensor {
        Tensor(shape: [cameras.count, 16], scalars: cameras.indices.flatMap { i -> [Float] in
            guard keep[i] else { return [Float](repeating: 0, count: 16) }
            let m = cameras[i].cameraToWorld                  // column-major: m[4c + r]
            return (0..<16).map { m[4 * ($0 % 4) + $0 / 4] }
        })
    }
}
