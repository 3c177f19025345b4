// UpBlock2D.swift — port of diffusers UpBlock2D (unet_2d_blocks.py): each resnet takes the previous
// output concatenated (channels) with the last unused skip, then an optional Upsample2D (upsamplers.0).
import Dream3DCore

public final class UpBlock2D: UNetUpBlock {
    let resnets: [ResnetBlock2D]
    let upsampler: Upsample2D?

    /// Resnet i reads (i == 0 ? prevOutputChannels : outChannels) + (last ? inChannels : outChannels) channels.
    public init(inChannels: Int, prevOutputChannels: Int, outChannels: Int, tembChannels: Int, layers: Int,
                groups: Int, eps: Float, addUpsample: Bool) {
        resnets = (0..<layers).map { i in
            let skip = i == layers - 1 ? inChannels : outChannels
            let input = i == 0 ? prevOutputChannels : outChannels
            return ResnetBlock2D(inChannels: input + skip, outChannels: outChannels, tembChannels: tembChannels, groups: groups, eps: eps)
        }
        upsampler = addUpsample ? Upsample2D(channels: outChannels) : nil
    }
    public var resnetCount: Int { resnets.count }
    public var children: [(String, (any Layer)?)] { listed("resnets", resnets) + [("upsamplers.0", upsampler)] }

    public func callAsFunction(_ x: Tensor, skips: [Tensor], temb: Tensor, context: Tensor) -> Tensor {
        var h = x, skips = skips
        for resnet in resnets {
            h = resnet(Tensor.concatenate([h, skips.removeLast()], axis: 1), temb: temb)
        }
        return upsampler.map { $0(h) } ?? h
    }
}
