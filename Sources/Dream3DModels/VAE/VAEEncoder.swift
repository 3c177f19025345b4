// VAEEncoder.swift — port of diffusers Encoder (src/diffusers/models/autoencoders/vae.py) with double_z:
// conv_in, DownEncoderBlock2Ds (downsample padding 0 with a right/bottom pad), UNetMidBlock2D,
// GroupNorm (eps 1e-6)–SiLU–conv_out to 2·latent_channels (mean and log-variance).
import Dream3DCore

public final class VAEEncoder: Layer {
    let convIn: Conv2d
    let downBlocks: [DownBlock2D]
    let midBlock: UNetMidBlock2D
    let convNormOut: GroupNorm, convOut: Conv2d

    public init(_ c: AutoencoderKLConfiguration) {
        let channels = c.blockOutChannels
        convIn = Conv2d(c.inChannels, channels[0], kernel: 3, padding: 1)
        downBlocks = channels.indices.map { i in
            DownBlock2D(inChannels: i == 0 ? channels[0] : channels[i - 1], outChannels: channels[i], tembChannels: nil,
                        layers: c.layersPerBlock, groups: c.normNumGroups, eps: 1e-6, addDownsample: i < channels.count - 1,
                        downsamplePadding: 0)
        }
        midBlock = UNetMidBlock2D(channels: channels.last!, groups: c.normNumGroups, addAttention: c.midBlockAddAttention)
        convNormOut = GroupNorm(groups: c.normNumGroups, channels: channels.last!, eps: 1e-6)
        convOut = Conv2d(channels.last!, 2 * c.latentChannels, kernel: 3, padding: 1)
    }
    public var children: [(String, (any Layer)?)] {
        [("conv_in", convIn)] + listed("down_blocks", downBlocks) + [("mid_block", midBlock), ("conv_norm_out", convNormOut), ("conv_out", convOut)]
    }

    /// x [B, in, H, W] → moments [B, 2·latent, H/f, W/f].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = convIn(x)
        for block in downBlocks { h = block(h, temb: nil).0 }
        return convOut(convNormOut(midBlock(h)).silu())
    }
}
