// VAEDecoder.swift — port of diffusers Decoder (src/diffusers/models/autoencoders/vae.py): conv_in,
// UNetMidBlock2D, UpDecoderBlock2Ds (layers_per_block + 1 resnets each), GroupNorm (eps 1e-6)–SiLU–conv_out.
import Dream3DCore

public final class VAEDecoder: Layer {
    let convIn: Conv2d
    let midBlock: UNetMidBlock2D
    let upBlocks: [UpDecoderBlock2D]
    let convNormOut: GroupNorm, convOut: Conv2d

    public init(_ c: AutoencoderKLConfiguration) {
        let reversed = Array(c.blockOutChannels.reversed())
        convIn = Conv2d(c.latentChannels, reversed[0], kernel: 3, padding: 1)
        midBlock = UNetMidBlock2D(channels: reversed[0], groups: c.normNumGroups, addAttention: c.midBlockAddAttention)
        upBlocks = reversed.indices.map { i in
            UpDecoderBlock2D(inChannels: i == 0 ? reversed[0] : reversed[i - 1], outChannels: reversed[i], layers: c.layersPerBlock + 1,
                             groups: c.normNumGroups, addUpsample: i < reversed.count - 1)
        }
        convNormOut = GroupNorm(groups: c.normNumGroups, channels: c.blockOutChannels[0], eps: 1e-6)
        convOut = Conv2d(c.blockOutChannels[0], c.outChannels, kernel: 3, padding: 1)
    }
    public var children: [(String, (any Layer)?)] {
        [("conv_in", convIn), ("mid_block", midBlock)] + listed("up_blocks", upBlocks) + [("conv_norm_out", convNormOut), ("conv_out", convOut)]
    }

    /// z [B, latent, h, w] → [B, out, h·f, w·f].
    public func callAsFunction(_ z: Tensor) -> Tensor {
        var h = midBlock(convIn(z))
        for block in upBlocks { h = block(h) }
        return convOut(convNormOut(h).silu())
    }
}
