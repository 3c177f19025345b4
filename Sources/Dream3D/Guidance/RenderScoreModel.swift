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
// pretrained branch: ε_ψ adapts a copy (the same outputs, and the prior is left untouched; the copy's frozen
// weights share the prior's storage until written, which they never are). The camera embedding is added to
// the time embedding beside whatever the prior's U-Net takes (the built-in prior's class embedding carries
// the camera it was trained with; Stable Diffusion has none), and its output layer starts at zero, so a fresh
// ε_ψ equals the prior's conditional ε̂ (threestudio's starts with a random offset in the time embedding).
// It works in the prior's own sample space (DiffusionPrior.encodeRenders): pixels, or SD's latents.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public final class RenderScoreModel: DiffusionPrior {
    /// The network whose U-Net is adapted (its text encoder and condition inputs are shared).
    public let base: any ScoreNetwork
    /// The adapted copy of base's U-Net: frozen weights with LoRA adapters.
    public let unet: UNet2DConditionModel
    /// Flattened camera-to-world matrix [N, 16] → [N, time-embedding width].
    public let cameraEmbedding: TimestepEmbedding
    /// AdamW over the LoRA and camera-embedding tensors, named "vsd.…" (the run checkpoint's keys).
    public let optimizer: Adam
    public let cameraDropout: Float

    /// ε_ψ for `base` (the guiding prior, or any network on its schedule) as `configuration` says;
    /// `generator` draws the LoRA and camera-embedding initialisation.
    public init(adapting base: any ScoreNetwork, configuration: VariationalScoreDistillation, using generator: inout SeededGenerator) {
        self.base = base
        unet = try! UNet2DConditionModel(base.unet.configuration)      // the base's configuration was validated when it was built
        for ((_, copy), (_, original)) in zip(unet.namedParameters(), base.unet.namedParameters()) {
            copy.scalars = original.scalars
            _ = copy.requiringGrad(false)
        }
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

    public var schedule: NoiseSchedule { base.schedule }
    public var imageSize: Int { base.imageSize }

    /// ε_ψ(z; y, c, t) for noisy samples z (the base's sample space) seen from `cameras`, as ε, without
    /// gradients. VSD uses ε_ψ without classifier-free guidance (threestudio's guidance_scale_lora 1), so
    /// `guidanceScale` must be 1.
    public func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float = 1) -> Tensor {
        precondition(guidanceScale == 1, "ε_ψ is evaluated without classifier-free guidance, got scale \(guidanceScale)")
        return withoutGrad {
            let output = base.output(of: unet, z, timesteps: [Int](repeating: t, count: cameras.count), prompt: prompt, cameras: cameras,
                                     addedEmbedding: cameraEmbedding(cameraInputs(cameras, keep: cameras.map { _ in true })))
            return schedule.predictions(output, sample: z, t: t, predictionType: base.predictionType).epsilon
        }
    }

    /// One optimiser step of the diffusion loss on clean samples x = base.encodeRenders(renders) (their values
    /// only); returns the loss before the step. t, noise and the camera dropout come from `generator`.
    @discardableResult
    public func trainStep(on x: Tensor, prompt: String, cameras: [Camera], using generator: inout SeededGenerator) -> Float {
        let steps = schedule.count
        let t = cameras.map { _ in Int(generator.next() % UInt64(steps)) }
        let noise = generator.normals(x.count)
        let keep = cameras.map { _ in generator.uniform() >= cameraDropout }
        optimizer.zeroGrad()
        let loss = diffusionLoss(x, timesteps: t, noise: noise, prompt: prompt, cameras: cameras, keepCamera: keep)
        loss.backward()
        optimizer.step()
        return loss.item
    }

    /// mean‖output − target‖² for clean samples x (values only) noised with `noise` at `t` (one per sample):
    /// z = α_t x + σ_t ε, target ε, or v = α_t ε − σ_t x for a v-prediction U-Net; `keepCamera` false zeroes
    /// that sample's camera-embedding input.
    func diffusionLoss(_ x: Tensor, timesteps t: [Int], noise: [Float], prompt: String, cameras: [Camera], keepCamera: [Bool]) -> Tensor {
        let perSample = x.count / t.count, clean = x.scalars
        let noisy = clean.indices.map { j in schedule.alpha(t[j / perSample]) * clean[j] + schedule.sigma(t[j / perSample]) * noise[j] }
        let target = base.predictionType != "v_prediction" ? noise
            : clean.indices.map { j in schedule.alpha(t[j / perSample]) * noise[j] - schedule.sigma(t[j / perSample]) * clean[j] }
        let output = base.output(of: unet, Tensor(shape: x.shape, scalars: noisy), timesteps: t, prompt: prompt, cameras: cameras,
                                 addedEmbedding: cameraEmbedding(cameraInputs(cameras, keep: keepCamera)))
        return Tensor.mseLoss(output, Tensor(shape: x.shape, scalars: target))
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
