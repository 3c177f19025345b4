// Transformer2DModel.swift — port of diffusers Transformer2DModel for continuous inputs (src/diffusers/
// models/transformers/transformer_2d.py): GroupNorm (eps 1e-6) → proj_in → BasicTransformerBlocks over
// the H·W tokens → proj_out, plus the input. proj_in/proj_out are 1×1 convolutions (SD 1.x) or, with
// use_linear_projection, Linear layers applied after flattening (SD 2.x).
import Dream3DCore

public final class Transformer2DModel: Layer {
    let norm: GroupNorm
    let projInConv: Conv2d?, projInLinear: Linear?
    let transformerBlocks: [BasicTransformerBlock]
    let projOutConv: Conv2d?, projOutLinear: Linear?

    public init(heads: Int, dimHead: Int, inChannels: Int, layers: Int = 1, crossAttentionDim: Int, groups: Int,
                useLinearProjection: Bool) {
        let inner = heads * dimHead
        norm = GroupNorm(groups: groups, channels: inChannels, eps: 1e-6)
        projInConv = useLinearProjection ? nil : Conv2d(inChannels, inner, kernel: 1)
        projInLinear = useLinearProjection ? Linear(inChannels, inner) : nil
        transformerBlocks = (0..<layers).map { _ in
            BasicTransformerBlock(dim: inner, heads: heads, dimHead: dimHead, crossAttentionDim: crossAttentionDim)
        }
        projOutConv = useLinearProjection ? nil : Conv2d(inner, inChannels, kernel: 1)
        projOutLinear = useLinearProjection ? Linear(inner, inChannels) : nil
    }
    public var children: [(String, (any Layer)?)] {
        [("norm", norm), ("proj_in", projInConv ?? projInLinear)]
            + transformerBlocks.enumerated().map { ("transformer_blocks.\($0.offset)", $0.element) }
            + [("proj_out", projOutConv ?? projOutLinear)]
    }

    /// x [B, C, H, W], context [B, Lk, crossAttentionDim] → [B, C, H, W].
    public func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var t = norm(x)
        if let projInConv {
            t = projInConv(t)
            t = t.permuted([0, 2, 3, 1]).reshaped([b, h * w, t.shape[1]])
        } else {
            t = projInLinear!(t.permuted([0, 2, 3, 1]).reshaped([b, h * w, c]))
        }
        for block in transformerBlocks { t = block(t, context: context) }
        let inner = t.shape[2]
        if let projOutConv {
            t = projOutConv(t.reshaped([b, h, w, inner]).permuted([0, 3, 1, 2]))
        } else {
            t = projOutLinear!(t).reshaped([b, h, w, c]).permuted([0, 3, 1, 2])
        }
        return t + x
    }
}
