// Conv2d.swift — torch.nn.Conv2d (groups 1): weight [out, in, k, k], bias [out].
import Dream3DCore

public final class Conv2d: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int, padding: Int

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true) {
        weight = .parameter([outChannels, inChannels, kernel, kernel], scalars: .init(repeating: 0, count: outChannels * inChannels * kernel * kernel))
        self.bias = bias ? .parameter([outChannels], scalars: .init(repeating: 0, count: outChannels)) : nil
        self.stride = stride
        self.padding = padding
    }
    public var parameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    /// x [N, in, H, W] → [N, out, Ho, Wo].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        Tensor.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
