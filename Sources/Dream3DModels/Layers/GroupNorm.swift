// GroupNorm.swift — torch.nn.GroupNorm with affine weight/bias [C].
import Dream3DCore

public final class GroupNorm: Layer {
    public let weight: Tensor, bias: Tensor
    public let groups: Int, eps: Float

    /// Identity-initialised (weight 1, bias 0) like PyTorch.
    public init(groups: Int, channels: Int, eps: Float = 1e-5) {
        weight = .parameter([channels], scalars: .init(repeating: 1, count: channels))
        bias = .parameter([channels], scalars: .init(repeating: 0, count: channels))
        self.groups = groups
        self.eps = eps
    }
    public var parameters: [(String, Tensor)] { [("weight", weight), ("bias", bias)] }

    /// x [N, C, …] → same shape.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps)
    }
}
