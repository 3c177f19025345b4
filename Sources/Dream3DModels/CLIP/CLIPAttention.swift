// CLIPAttention.swift — port of transformers CLIPAttention (src/transformers/models/clip/modeling_clip.py):
// q_proj/k_proj/v_proj/out_proj with biases, scale head_dim^−½, causal mask in the text encoder.
import Dream3DCore

public final class CLIPAttention: Layer {
    let qProj: Linear, kProj: Linear, vProj: Linear, outProj: Linear
    let heads: Int
    public init(hiddenSize: Int, heads: Int) {
        qProj = Linear(hiddenSize, hiddenSize)
        kProj = Linear(hiddenSize, hiddenSize)
        vProj = Linear(hiddenSize, hiddenSize)
        outProj = Linear(hiddenSize, hiddenSize)
        self.heads = heads
    }
    public var children: [(String, (any Layer)?)] { [("q_proj", qProj), ("k_proj", kProj), ("v_proj", vProj), ("out_proj", outProj)] }

    /// x [B, L, D] → [B, L, D], query i attending to tokens 0...i.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let b = x.shape[0], l = x.shape[1], d = x.shape[2], dh = d / heads
        func split(_ t: Tensor) -> Tensor { t.reshaped([b, l, heads, dh]).permuted([0, 2, 1, 3]) }
        let o = Tensor.fusedAttention(query: split(qProj(x)), key: split(kProj(x)), value: split(vProj(x)), causal: true)
        return outProj(o.permuted([0, 2, 1, 3]).reshaped([b, l, d]))
    }
}
