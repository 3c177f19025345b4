// Downsample2D.swift — port of diffusers Downsample2D (src/diffusers/models/downsampling.py) with
// use_conv: a 3×3 stride-2 convolution "conv". padding 1 in the U-Net; padding 0 in the VAE encoder,
// where diffusers first pads right and bottom by one (F.pad(x, (0, 1, 0, 1))).
import Dream3DCore

public final class Downsample2D: Layer {
    let conv: Conv2d
    let padding: Int
    public init(channels: Int, outChannels: Int? = nil, padding: Int = 1) {
        conv = Conv2d(channels, outChannels ?? channels, kernel: 3, stride: 2, padding: padding)
        self.padding = padding
    }
    public var children: [(String, (any Layer)?)] { [("conv", conv)] }

    /// x [N, C, H, W] → [N, out, H/2, W/2].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard padding == 0 else { return conv(x) }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let right = Tensor.concatenate([x, Tensor(zeros: [n, c, h, 1])], axis: 3)
        return conv(Tensor.concatenate([right, Tensor(zeros: [n, c, 1, w + 1])], axis: 2))
    }
}
