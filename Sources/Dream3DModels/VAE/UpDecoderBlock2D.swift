// UpDecoderBlock2D.swift — port of diffusers UpDecoderBlock2D (unet_2d_blocks.py): resnets without temb or
// skips, then an optional Upsample2D (upsamplers.0).
import Dream3DCore

public final class UpDecoderBlock2D: Layer {
    let resnets: [ResnetBlock2D]
    let upsampler: Upsample2D?

    public init(inChannels: Int, outChannels: Int, layers: Int, groups: Int, eps: Float = 1e-6, addUpsample: Bool) {
        resnets = (0..<layers).map {
            ResnetBlock2D(inChannels: $0 == 0 ? inChannels : outChannels, outChannels: outChannels, tembChannels: nil, groups: groups, eps: eps)
        }
        upsampler = addUpsample ? Upsample2D(channels: outChannels) : nil
    }
    public var children: [(String, (any Layer)?)] { listed("resnets", resnets) + [("upsamplers.0", upsampler)] }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for resnet in resnets { h = resnet(h, temb: nil) }
        return upsampler.map { $0(h) } ?? h
    }
}
