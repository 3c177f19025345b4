// Upsample2D.swift — port of diffusers Upsample2D (src/diffusers/models/upsampling.py) with use_conv:
// nearest ×2 (F.interpolate mode "nearest"), then a 3×3 convolution "conv".
import Dream3DCore

public final class Upsample2D: Layer {
    let conv: Conv2d
    public init(channels: Int, outChannels: Int? = nil) {
        conv = Conv2d(channels, outChannels ?? channels, kernel: 3, padding: 1)
    }
    public var children: [(String, (any Layer)?)] { [("conv", conv)] }

    /// x [N, C, H, W] → [N, out, 2H, 2W].
    public func callAsFunction(_ x: Tensor) -> Tensor { conv(x.upsampledNearest(factor: 2)) }
}
