// DiffusionPrior.swift — what score distillation asks of a 2D diffusion model (DESIGN.md §5): its noise
// schedule, the image space it works in, and a noise prediction for noisy images seen from cameras.
import Dream3DCore
import Dream3DModels
import Dream3DScene

/// A text-conditioned (and possibly camera-conditioned) noise predictor ε̂(z_t; y, c, t).
public protocol DiffusionPrior {
    /// The DDPM schedule ᾱ_t the prior was trained with (t indexes its discrete timesteps).
    var schedule: NoiseSchedule { get }
    /// Side of the square images the prior sees; renders are made at this size.
    var imageSize: Int { get }

    /// ε̂ for noisy images z [N, C, S, S] (pixel space, values in [−1, 1] before noise) at timestep t,
    /// seen from `cameras` (one per image), with classifier-free guidance scale `guidanceScale`
    /// (ε̂ = ε̂_u + s·(ε̂_c − ε̂_u); a prior without conditioning ignores it).
    func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor
}
