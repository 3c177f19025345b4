// CrossAttnUpBlock2D.swift — port of diffusers CrossAttnUpBlock2D (unet_2d_blocks.py): like UpBlock2D
// with a Transformer2DModel after each resnet.
import Dream3DCore

public final class CrossAttnUpBlock2D: UNetUpBlock {
    let resnets: [ResnetBlock2D]
    let attentions: [Transformer2DModel]
    let upsampler: Upsample2D?

    public init(inChannels: Int, prevOutputChannels: Int, outChannels: Int, tembChannels: Int, layers: Int,
                groups: Int, eps: Float, heads: Int, crossAttentionDim: Int, useLinearProjection: Bool, addUpsample: Bool) {
        resnets = (0..<layers).map { i in
            let skip = i == layers - 1 ? inChannels : outChannels
            let input = i == 0 ? prevOutputChannels : outChannels
            return ResnetBlock2D(inChannels: input + skip, outChannels: outChannels, tembChannels: tembChannels, groups: groups, eps: eps)
        }
        attentions = (0..<layers).map { _ in
            Transformer2DModel(heads: heads, dimHead: outChannels / heads, inChannels: outChannels,
                               crossAttentionDim: crossAttentionDim, groups: groups, useLinearProjection: useLinearProjection)
        }
        upsampler = addUpsample ? Upsample2D(channels: outChannels) : nil
    }
    public var resnetCount: Int { resnets.count }
    public var children: [(String, (any Layer)?)] {
        listed("resnets", resnets) + listed("attentions", attentions) + [("upsamplers.0", upsampler)]
    }

    public func callAsFunction(_ x: Tensor, skips: [Tensor], temb: Tensor, context: Tensor) -> Tensor {
        var h = x, skips = skips
        for (resnet, attention) in zip(resnets, attentions) {
            h = resnet(Tensor.concatenate([h, skips.removeLast()], axis: 1), temb: temb)
            h = attention(h, context: context)
        }
        return upsampler.map { $0(h) } ?? h
    }
}
