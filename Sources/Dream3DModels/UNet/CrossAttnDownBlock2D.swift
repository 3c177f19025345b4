// CrossAttnDownBlock2D.swift — port of diffusers CrossAttnDownBlock2D (unet_2d_blocks.py): pairs of
// (ResnetBlock2D, Transformer2DModel), then an optional Downsample2D (downsamplers.0).
import Dream3DCore

public final class CrossAttnDownBlock2D: UNetDownBlock {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let downsampler: Downsample2D?

    public init(inChannels: Int, outChannels: Int, tembChannels: Int, layers: Int, groups: Int, eps: Float,
                heads: Int, crossAttentionDim: Int, useLinearProjection: Bool, addDownsample: Bool, downsamplePadding: Int = 1) {
        resnets = (0..<layers).map {
            ResnetBlock2D(inChannels: $0 == 0 ? inChannels : outChannels, outChannels: outChannels,
                          tembChannels: tembChannels, groups: groups, eps: eps)
        }
        attentions = (0..<layers).map { _ in
            Transformer2DModel(heads: heads, dimHead: outChannels / heads, inChannels: outChannels,
                               crossAttentionDim: crossAttentionDim, groups: groups, useLinearProjection: useLinearProjection)
        }
        downsampler = addDownsample ? Downsample2D(channels: outChannels, padding: downsamplePadding) : nil
    }
    public var children: [(String, (any Layer)?)] {
        listed("resnets", resnets) + listed("attentions", attentions) + [("downsamplers.0", downsampler)]
    }

    public func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor) -> (Tensor, [Tensor]) {
        var h = x, skips: [Tensor] = []
        for (resnet, attention) in zip(resnets, attentions) {
            h = attention(resnet(h, temb: temb), context: context)
            skips.append(h)
        }
        if let downsampler { h = downsampler(h); skips.append(h) }
        return (h, skips)
    }
}
