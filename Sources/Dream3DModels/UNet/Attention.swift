// Attention.swift — port of diffusers Attention with AttnProcessor2_0 (src/diffusers/models/
// attention_processor.py) for the configurations Stable Diffusion uses: self- or cross-attention,
// to_q/to_k/to_v (bias per `bias`), to_out.0 with a bias, scale 1/√dimHead, no upcast. With `groupNorm`
// and a 4-D input it is the VAE's spatial self-attention: group_norm, attention over H·W, residual added.
import Dream3DCore

public final class Attention: Layer {
    public let heads: Int, dimHead: Int
    let groupNorm: GroupNorm?
    public let toQ: Linear, toK: Linear, toV: Linear, toOut: Linear

    /// heads·dimHead is the inner width; crossAttentionDim nil means self-attention.
    public init(queryDim: Int, crossAttentionDim: Int? = nil, heads: Int, dimHead: Int, bias: Bool = false,
                groupNormGroups: Int? = nil, eps: Float = 1e-5) {
        let inner = heads * dimHead
        self.heads = heads
        self.dimHead = dimHead
        groupNorm = groupNormGroups.map { GroupNorm(groups: $0, channels: queryDim, eps: eps) }
        toQ = Linear(queryDim, inner, bias: bias)
        toK = Linear(crossAttentionDim ?? queryDim, inner, bias: bias)
        toV = Linear(crossAttentionDim ?? queryDim, inner, bias: bias)
        toOut = Linear(inner, queryDim)
    }
    public var children: [(String, (any Layer)?)] {
        [("group_norm", groupNorm), ("to_q", toQ), ("to_k", toK), ("to_v", toV), ("to_out.0", toOut)]
    }

    /// x [B, L, queryDim] (or [B, C, H, W] with a group norm), context [B, Lk, crossDim] or nil → x's shape.
    public func callAsFunction(_ x: Tensor, context: Tensor? = nil) -> Tensor {
        if x.rank == 4 {
            let (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
            let normed = groupNorm.map { $0(x) } ?? x
            let tokens = normed.reshaped([b, c, h * w]).transposed(1, 2)
            let out = attend(tokens, context: context).transposed(1, 2).reshaped([b, c, h, w])
            return out + x                                       // residual_connection, rescale_output_factor 1
        }
        return attend(x, context: context)
    }

    private func attend(_ x: Tensor, context: Tensor?) -> Tensor {
        let b = x.shape[0], lq = x.shape[1], source = context ?? x, lk = source.shape[1]
        func split(_ t: Tensor, _ l: Int) -> Tensor { t.reshaped([b, l, heads, dimHead]).permuted([0, 2, 1, 3]) }
        let q = split(toQ(x), lq), k = split(toK(source), lk), v = split(toV(source), lk)
        let o = Tensor.fusedAttention(query: q, key: k, value: v)
        return toOut(o.permuted([0, 2, 1, 3]).reshaped([b, lq, heads * dimHead]))
    }
}
