// ResnetBlock2D.swift — port of diffusers ResnetBlock2D (src/diffusers/models/resnet.py), the path Stable
// Diffusion uses: time_embedding_norm "default", no up/down, output_scale_factor 1, SiLU.
import Dream3DCore

public final class ResnetBlock2D: Layer {
    let norm1: GroupNorm, conv1: Conv2d, timeEmbProj: Linear?
    let norm2: GroupNorm, conv2: Conv2d, convShortcut: Conv2d?     // 1×1, only when channels change

    public init(inChannels: Int, outChannels: Int, tembChannels: Int?, groups: Int, eps: Float) {
        norm1 = GroupNorm(groups: groups, channels: inChannels, eps: eps)
        conv1 = Conv2d(inChannels, outChannels, kernel: 3, padding: 1)
        timeEmbProj = tembChannels.map { Linear($0, outChannels) }
        norm2 = GroupNorm(groups: groups, channels: outChannels, eps: eps)
        conv2 = Conv2d(outChannels, outChannels, kernel: 3, padding: 1)
        convShortcut = inChannels == outChannels ? nil : Conv2d(inChannels, outChannels, kernel: 1)
    }
    public var children: [(String, (any Layer)?)] {
        [("norm1", norm1), ("conv1", conv1), ("time_emb_proj", timeEmbProj),
         ("norm2", norm2), ("conv2", conv2), ("conv_shortcut", convShortcut)]
    }

    /// x [N, inChannels, H, W], temb [N, tembChannels] → [N, outChannels, H, W].
    public func callAsFunction(_ x: Tensor, temb: Tensor?) -> Tensor {
        var h = conv1(norm1(x).silu())
        if let temb, let timeEmbProj { h = h + timeEmbProj(temb.silu()).reshaped([x.shape[0], -1, 1, 1]) }
        h = conv2(norm2(h).silu())                   // dropout is the identity outside training
        return (convShortcut?(x) ?? x) + h
    }
}
