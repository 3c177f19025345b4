// StableDiffusionPrior.swift — a diffusers Stable Diffusion folder as distillation's DiffusionPrior, guiding in
// latent space with the VAE encoder on the autograd tape, as threestudio's stable_diffusion_guidance.py
// (DreamFusion with SD): renders in [0, 1] are resized bilinearly to the VAE's input size (64² → 512²),
// mapped to [−1, 1], encoded, and scaled by vae.config.scaling_factor (0.18215 for SD 1.x/2.x); SDS, SJC
// and VSD then work on those latents, and their ∂L/∂latents flows back through the encoder into the render.
// Classifier-free guidance batches [uncond, cond] through the U-Net with the empty prompt's text states as
// the unconditional branch (threestudio's prompt processor; both cached per prompt). SD knows no cameras:
// the view reaches it only through view-dependent prompts (", side view"), which the trainer appends.
// For VSD, ε_ψ adapts a copy of its U-Net (ScoreNetwork) and adds its camera embedding to the time embedding.
// Differs from threestudio: the latent is the posterior's mean, not a sample (its σ is tiny for SD's VAE,
// and the mean keeps a run's randomness in the seeded streams); CFG is ε̂_u + s(ε̂_c − ε̂_u) (DESIGN.md §4),
// where threestudio's guidance_scale s means s + 1 here.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public final class StableDiffusionPrior: ScoreNetwork {
    public let pipeline: DiffusersPipeline
    public let vae: AutoencoderKL
    public let schedule: NoiseSchedule
    /// Side of the renders (threestudio's dreamfusion-sd data width/height: 64).
    public let imageSize: Int
    /// Side the renders are resized to before the VAE encoder (threestudio: 512).
    public let resolution: Int
    /// Side of the latents the U-Net denoises: resolution / the VAE's downsampling factor.
    public var latentSize: Int { resolution / vaeScaleFactor }
    /// The VAE's downsampling factor, 2^(blocks − 1): 8 for Stable Diffusion.
    public var vaeScaleFactor: Int { 1 << (vae.configuration.blockOutChannels.count - 1) }
    /// last_hidden_state [1, 77, hidden] per prompt, "" included (the unconditional branch).
    private var textStates: [String: Tensor] = [:]

    /// Stable Diffusion from `pipeline`, which must have a VAE (`loadGuidancePrior` refuses a folder without
    /// one), rendering at `settings.renderSize` and encoding at `settings.resolution`. Its weights are frozen:
    /// only the render receives gradients.
    public init(pipeline: DiffusersPipeline, settings: StableDiffusionSettings) throws(ConfigurationError) {
        guard let vae = pipeline.vae else { preconditionFailure("StableDiffusionPrior needs a pipeline with a VAE") }
        let unetFactor = 1 << (pipeline.unet.configuration.blockOutChannels.count - 1)
        let multiple = (1 << (vae.configuration.blockOutChannels.count - 1)) * unetFactor
        guard settings.resolution > 0, settings.resolution % multiple == 0 else {
            throw .invalidValue(path: "stableDiffusion.resolution", reason: "must be a positive multiple of \(multiple) for this model "
                                + "(the VAE and the U-Net each halve it per block), got \(settings.resolution)")
        }
        self.pipeline = pipeline
        self.vae = vae
        schedule = pipeline.scheduler.schedule
        imageSize = settings.renderSize
        resolution = settings.resolution
        for (_, weight) in vae.namedParameters() + pipeline.unet.namedParameters() + pipeline.textEncoder.namedParameters() {
            _ = weight.requiringGrad(false)
        }
    }

    /// threestudio's encode_images: resize to `resolution`, 2r − 1, latent_dist (mean) × scaling_factor, on the tape.
    public func encodeRenders(_ renders: Tensor) -> Tensor {
        let resized = renders.shape[2] == resolution && renders.shape[3] == resolution
            ? renders : renders.resizedBilinear(height: resolution, width: resolution)
        return vae.encode(resized * 2 - 1) * vae.configuration.scalingFactor
    }

    /// ε̂_u + s(ε̂_c − ε̂_u) for latents z [N, 4, h, w]; one U-Net call on the batch [z; z] (cameras unused).
    public func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor {
        let n = z.shape[0]
        let context = Tensor.concatenate([Tensor](repeating: encodedPrompt(""), count: n) + [Tensor](repeating: encodedPrompt(prompt), count: n),
                                         axis: 0)
        return withoutGrad {
            let both = Tensor.concatenate([z, z], axis: 0)
            let output = pipeline.unet(both, timesteps: [Float(t)], encoderHiddenStates: context)
            let epsilon = schedule.predictions(output, sample: both, t: t, predictionType: predictionType).epsilon
            let halves = epsilon.split(axis: 0, sizes: [n, n])
            return halves[0] + (halves[1] - halves[0]) * guidanceScale
        }
    }

    public var unet: UNet2DConditionModel { pipeline.unet }
    public var predictionType: String { pipeline.scheduler.configuration.predictionType }

    /// `unet`'s output for latents z [N, 4, h, w] under the prompt's text states (cameras unused).
    public func output(of unet: UNet2DConditionModel, _ z: Tensor, timesteps: [Int], prompt: String, cameras: [Camera],
                       addedEmbedding: Tensor) -> Tensor {
        let context = Tensor.concatenate([Tensor](repeating: encodedPrompt(prompt), count: z.shape[0]), axis: 0)
        return unet(z, timesteps: timesteps.map(Float.init), encoderHiddenStates: context, addedEmbedding: addedEmbedding)
    }

    /// The text encoder's states for `prompt`, computed once per prompt.
    private func encodedPrompt(_ prompt: String) -> Tensor {
        if let cached = textStates[prompt] { return cached }
        let states = pipeline.encode(prompt: prompt)
        textStates[prompt] = states
        return states
    }
}
