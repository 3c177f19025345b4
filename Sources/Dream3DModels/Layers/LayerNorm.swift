// LayerNorm.swift — torch.nn.LayerNorm over the last axis with affine weight/bias [D].
import Dream3DCore

public final class LayerNorm: Layer {
    public let weight: Tensor, bias: Tensor
    public let eps: Float

    /// Identity-initialised (weight 1, bias 0) like PyTorch.
    public init(_ dim: Int, eps: Float = 1e-5) {
        weight = .parameter([dim], scalars: .init(repeating: 1, count: dim))
        bias = .parameter([dim], scalars: .init(repeating: 0, count: dim))
        self.eps = eps
    }
    public var parameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    /// x [..., D] → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor { Tensor.layerNorm(x, weight: weight, bias: bias, eps: eps) }
}
