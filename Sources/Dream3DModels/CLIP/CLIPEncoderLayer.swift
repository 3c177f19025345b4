// CLIPEncoderLayer.swift — port of transformers CLIPEncoderLayer and CLIPMLP (modeling_clip.py): pre-LN
// self-attention and MLP (fc1 → activation per hidden_act → fc2), each with a residual.
import Dream3DCore

public final class CLIPMLP: Layer {
    let fc1: Linear, fc2: Linear
    let activation: String
    public init(hiddenSize: Int, intermediateSize: Int, activation: String) {
        fc1 = Linear(hiddenSize, intermediateSize)
        fc2 = Linear(intermediateSize, hiddenSize)
        self.activation = activation
    }
    public var children: [(String, (any Layer)?)] { [("fc1", fc1), ("fc2", fc2)] }

    /// x [..., D] → [..., D]. "quick_gelu" x·σ(1.702x); "gelu" exact; "gelu_new" the tanh form.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = fc1(x)
        switch activation {
        case "quick_gelu": return fc2(h.quickGELU())
        case "gelu_new": return fc2(h.gelu(.tanh))
        default: return fc2(h.gelu(.erf))
        }
    }
}

public final class CLIPEncoderLayer: Layer {
    let layerNorm1: LayerNorm, selfAttn: CLIPAttention
    let layerNorm2: LayerNorm, mlp: CLIPMLP
    public init(_ c: CLIPTextConfiguration) {
        layerNorm1 = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        selfAttn = CLIPAttention(hiddenSize: c.hiddenSize, heads: c.numAttentionHeads)
        layerNorm2 = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
        mlp = CLIPMLP(hiddenSize: c.hiddenSize, intermediateSize: c.intermediateSize, activation: c.hiddenAct)
    }
    public var children: [(String, (any Layer)?)] {
        [("layer_norm1", layerNorm1), ("self_attn", selfAttn), ("layer_norm2", layerNorm2), ("mlp", mlp)]
    }

    /// x [B, L, D] → [B, L, D].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let h = selfAttn(layerNorm1(x)) + x
        return mlp(layerNorm2(h)) + h
    }
}
