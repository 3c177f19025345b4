// UNetMidBlock2D.swift — port of diffusers UNetMidBlock2D as the VAE uses it (unet_2d_blocks.py): resnets.0,
// one spatial self-attention (a single head over all channels, group_norm, residual), resnets.1; no temb.
import Dream3DCore

public final class UNetMidBlock2D: Layer {
    let resnets: [ResnetBlock2D]
    let attention: Attention?

    public init(channels: Int, groups: Int, eps: Float = 1e-6, addAttention: Bool = true) {
        resnets = (0..<2).map { _ in ResnetBlock2D(inChannels: channels, outChannels: channels, tembChannels: nil, groups: groups, eps: eps) }
        attention = addAttention
            ? Attention(queryDim: channels, heads: 1, dimHead: channels, bias: true, groupNormGroups: groups, eps: eps) : nil
    }
    public var children: [(String, (any Layer)?)] { [("attentions.0", attention)] + listed("resnets", resnets) }

    /// x [B, C, H, W] → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = resnets[0](x, temb: nil)
        if let attention { h = attention(h) }
        return resnets[1](h, temb: nil)
    }
}
