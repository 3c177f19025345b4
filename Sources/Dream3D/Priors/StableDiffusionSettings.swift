// StableDiffusionSettings.swift — the `stableDiffusion` keys of a run's configuration: the sizes of
// latent-space guidance (StableDiffusionPrior). threestudio's dreamfusion-sd renders 64² and encodes at
// 512² (64² latents); on a CPU the VAE encoder and the U-Net at 512² dominate a step, and a smaller
// resolution (a multiple of 64 for SD) trades the model's fidelity for time (scenes/sds-stable-diffusion.yaml).

public struct StableDiffusionSettings: Codable, Sendable, Equatable {
    /// Side of the renders (threestudio data.width/height).
    public var renderSize = 64
    /// Side the renders are resized to before the VAE encoder (threestudio's encode path: 512).
    public var resolution = 512
    public init() {}
}
