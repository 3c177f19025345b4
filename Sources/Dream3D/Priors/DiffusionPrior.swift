// DiffusionPrior.swift — what score distillation asks of a 2D diffusion model (DESIGN.md §5): its noise
// schedule, the render size it judges, the map from renders to the space it denoises (pixels in [−1, 1],
// or a latent diffusion model's latents), and a noise prediction for noisy samples seen from cameras.
import Dream3DCore
import Dream3DModels
import Dream3DScene

/// A text-conditioned (and possibly camera-conditioned) noise predictor ε̂(z_t; y, c, t).
public protocol DiffusionPrior {
    /// The DDPM schedule ᾱ_t the prior was trained with (t indexes its discrete timesteps).
    var schedule: NoiseSchedule { get }
    /// Side of the square renders the prior judges; the trainer renders at this size.
    var imageSize: Int { get }
    /// Views the prior judges together: 1, or 4 for a multi-view prior that denoises a 2×2 tile of
    /// views 90° apart in azimuth (view k at row k / 2, column k % 2; `tileViews`).
    var viewsPerSample: Int { get }
    /// The prior denoises each view's opacity as a fourth channel after RGB (a built-in prior trained
    /// with BuiltInPriorConfiguration.opacityChannel), so its guidance reaches the render's opacity too.
    var judgesOpacity: Bool { get }

    /// Renders [N, 3, S, S] in [0, 1] (S = imageSize; [N, 4, S, S] with the opacity when `judgesOpacity`) → the clean samples x₀ the prior denoises, on the
    /// autograd tape so that the guidance gradient ∂L/∂x₀ reaches the render through it. Pixel priors:
    /// 2r − 1 (the default); latent priors: their encoder (StableDiffusionPrior: VAE × scaling factor).
    func encodeRenders(_ renders: Tensor) -> Tensor

    /// ε̂ for noisy samples z (the shape `encodeRenders` gives) at timestep t, seen from `cameras` (one per
    /// view: `viewsPerSample` per sample), with classifier-free guidance scale `guidanceScale` (ε̂ = ε̂_u + s·(ε̂_c − ε̂_u); a prior
    /// without conditioning ignores it).
    func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor
}

extension DiffusionPrior {
    /// One view per sample.
    public var viewsPerSample: Int { 1 }

    /// RGB only.
    public var judgesOpacity: Bool { false }

    /// Pixel space: renders (and opacities) in [0, 1] become images in [−1, 1].
    public func encodeRenders(_ renders: Tensor) -> Tensor { renders * 2 - 1 }
}
