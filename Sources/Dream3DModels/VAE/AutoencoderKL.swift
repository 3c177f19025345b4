// AutoencoderKL.swift — port of diffusers AutoencoderKL (src/diffusers/models/autoencoders/autoencoder_kl.py):
// encode → quant_conv → the diagonal Gaussian's mean (latent_dist.mean; sampling is the caller's choice),
// decode: post_quant_conv → decoder. Latents are unscaled: multiply by scaling_factor (0.18215 for SD)
// before the U-Net, as the pipelines do.
import Foundation
import Dream3DCore

public final class AutoencoderKL: Layer {
    public let configuration: AutoencoderKLConfiguration
    let encoder: VAEEncoder, decoder: VAEDecoder
    let quantConv: Conv2d?, postQuantConv: Conv2d?

    public init(_ c: AutoencoderKLConfiguration, configPath: String = "vae/config.json") throws(ModelError) {
        try c.validate(path: configPath)
        configuration = c
        encoder = VAEEncoder(c)
        decoder = VAEDecoder(c)
        quantConv = c.useQuantConv ? Conv2d(2 * c.latentChannels, 2 * c.latentChannels, kernel: 1) : nil
        postQuantConv = c.usePostQuantConv ? Conv2d(c.latentChannels, c.latentChannels, kernel: 1) : nil
    }

    /// Reads `folder/config.json` and `folder/diffusion_pytorch_model.safetensors` (F32 or F16).
    public convenience init(folder: URL) throws(ModelLoadError) {
        let configURL = folder.appendingPathComponent("config.json")
        do {
            try self.init(decodeConfiguration(AutoencoderKLConfiguration.self, at: configURL, what: "the VAE's configuration"), configPath: configURL.path)
        } catch { throw .model(error) }
        try loadWeights(self, folder: folder, names: ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"])
    }

    public var children: [(String, (any Layer)?)] {
        [("encoder", encoder), ("decoder", decoder), ("quant_conv", quantConv), ("post_quant_conv", postQuantConv)]
    }

    /// image [B, in, H, W] in [−1, 1] → latent_dist.mean [B, latent, H/f, W/f], f = 2^(blocks − 1).
    public func encode(_ image: Tensor) -> Tensor {
        let moments = quantConv.map { $0(encoder(image)) } ?? encoder(image)
        return moments.split(axis: 1, sizes: [configuration.latentChannels, configuration.latentChannels])[0]
    }

    /// latents [B, latent, h, w] → image [B, out, h·f, w·f].
    public func decode(_ latents: Tensor) -> Tensor {
        decoder(postQuantConv.map { $0(latents) } ?? latents)
    }
}
