// DownBlock2D.swift — port of diffusers DownBlock2D (unet_2d_blocks.py): resnets, then an optional
// Downsample2D (downsamplers.0, padding 1). Also used without temb as the VAE's DownEncoderBlock2D.
import Dream3DCore

public final class DownBlock2D: UNetDownBlock {
    let resnets: [ResnetBlock2D]
    let downsampler: Downsample2D?

    public init(inChannels: Int, outChannels: Int, tembChannels: Int?, layers: Int, groups: Int, eps: Float,
                addDownsample: Bool, downsamplePadding: Int = 1) {
        resnets = (0..<layers).map {
            ResnetBlock2D(inChannels: $0 == 0 ? inChannels : outChannels, outChannels: outChannels,
                          tembChannels: tembChannels, groups: groups, eps: eps)
        }
        downsampler = addDownsample ? Downsample2D(channels: outChannels, padding: downsamplePadding) : nil
    }
    public var children: [(String, (any Layer)?)] { listed("resnets", resnets) + [("downsamplers.0", downsampler)] }

    public func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor) -> (Tensor, [Tensor]) {
        callAsFunction(x, temb: Optional(temb))
    }

    /// The U-Net path (temb given) or the VAE encoder path (temb nil).
    public func callAsFunction(_ x: Tensor, temb: Tensor?) -> (Tensor, [Tensor]) {
        var h = x, skips: [Tensor] = []
        for resnet in resnets { h = resnet(h, temb: temb); skips.append(h) }
        if let downsampler { h = downsampler(h); skips.append(h) }
        return (h, skips)
    }
}
