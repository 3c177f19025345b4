// UNetMidBlock2DCrossAttn.swift — port of diffusers UNetMidBlock2DCrossAttn (unet_2d_blocks.py):
// resnets.0, then (attentions.i, resnets.i+1) pairs; one pair in Stable Diffusion.
import Dream3DCore

public final class UNetMidBlock2DCrossAttn: Layer {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]

    public init(channels: Int, tembChannels: Int, layers: Int = 1, groups: Int, eps: Float, heads: Int,
                crossAttentionDim: Int, useLinearProjection: Bool) {
        resnets = (0...layers).map { _ in
            ResnetBlock2D(inChannels: channels, outChannels: channels, tembChannels: tembChannels, groups: groups, eps: eps)
        }
        attentions = (0..<layers).map { _ in
            Transformer2DModel(heads: heads, dimHead: channels / heads, inChannels: channels,
                               crossAttentionDim: crossAttentionDim, groups: groups, useLinearProjection: useLinearProjection)
        }
    }
    public var children: [(String, (any Layer)?)] { listed("attentions", attentions) + listed("resnets", resnets) }

    /// x [B, C, H, W] → same shape.
    public func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor) -> Tensor {
        var h = resnets[0](x, temb: temb)
        for (attention, resnet) in zip(attentions, resnets.dropFirst()) {
            h = resnet(attention(h, context: context), temb: temb)
        }
        return h
    }
}
