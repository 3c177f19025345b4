// Attention.swift — torch.nn.functional.scaled_dot_product_attention:
//     softmax(q·kᵀ · scale + mask) · v,   scale = 1/√d by default (Vaswani et al. 2017).
// Built from differentiable ops (matmul, softmax), so its backward is theirs.

extension Tensor {
    /// q [..., Lq, d], k [..., Lk, d], v [..., Lk, dv] → [..., Lq, dv].
    /// - mask: added to the scores before softmax (−∞ blocks a key); broadcasts to [..., Lq, Lk].
    /// - causal: query i sees keys 0...i only (CLIP's text encoder). A row must keep one key.
    public static func scaledDotProductAttention(query q: Tensor, key k: Tensor, value v: Tensor,
                                                 mask: Tensor? = nil, causal: Bool = false, scale: Float? = nil) -> Tensor {
        let d = q.shape.last!, lq = q.shape[q.rank - 2], lk = k.shape[k.rank - 2]
        precondition(k.shape.last == d && k.shape.dropLast(2) == q.shape.dropLast(2) && v.shape.dropLast(1) == k.shape.dropLast(1),
                     "attention: query \(q.shape), key \(k.shape), value \(v.shape) do not fit")
        var scores = matmul(q, k.transposed()) * (scale ?? 1 / Float(d).squareRoot())
        if let mask { scores = scores + mask }
        if causal {
            let blocked = (0..<(lq * lk)).map { i in i % lk > i / lk + (lk - lq) ? -Float.infinity : 0 }
            scores = scores + Tensor(shape: [lq, lk], scalars: blocked)
        }
        return matmul(scores.softmax(), v)
    }
}
