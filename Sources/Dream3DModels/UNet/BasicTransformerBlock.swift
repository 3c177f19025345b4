// BasicTransformerBlock.swift — port of diffusers BasicTransformerBlock (src/diffusers/models/attention.py)
// with norm_type "layer_norm", not only_cross_attention: self-attention, cross-attention, GEGLU
// feed-forward, each pre-LayerNorm (eps 1e-5) with a residual.
import Dream3DCore

public final class BasicTransformerBlock: Layer {
    let norm1: LayerNorm, attn1: Attention
    let norm2: LayerNorm, attn2: Attention
    let norm3: LayerNorm, ff: FeedForward

    public init(dim: Int, heads: Int, dimHead: Int, crossAttentionDim: Int) {
        norm1 = LayerNorm(dim)
        attn1 = Attention(queryDim: dim, heads: heads, dimHead: dimHead)
        norm2 = LayerNorm(dim)
        attn2 = Attention(queryDim: dim, crossAttentionDim: crossAttentionDim, heads: heads, dimHead: dimHead)
        norm3 = LayerNorm(dim)
        ff = FeedForward(dim: dim)
    }
    public var children: [(String, (any Layer)?)] {
        [("norm1", norm1), ("attn1", attn1), ("norm2", norm2), ("attn2", attn2), ("norm3", norm3), ("ff", ff)]
    }

    /// x [B, L, dim], context [B, Lk, crossAttentionDim] → [B, L, dim].
    public func callAsFunction(_ x: Tensor, context: Tensor) -> Tensor {
        var h = attn1(norm1(x)) + x
        h = attn2(norm2(h), context: context) + h
        return ff(norm3(h)) + h
    }
}
