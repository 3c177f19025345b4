// Linear.swift — torch.nn.Linear: y = x·Wᵀ + b, weight [out, in] in PyTorch's layout ("weight", "bias").
// An optional LoRA adapter (LoRA/LoRALinear.swift) adds its low-rank update to the output.
import Dream3DCore

public final class Linear: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    /// Low-rank adapter added to the output when set (peft's lora_A/lora_B live under this layer's name).
    public var lora: LoRAAdapter?

    /// Zero-initialised; weights come from a checkpoint (`Layer.load`) or `initialize(using:)`.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        weight = .parameter([outFeatures, inFeatures], scalars: .init(repeating: 0, count: inFeatures * outFeatures))
        self.bias = bias ? .parameter([outFeatures], scalars: .init(repeating: 0, count: outFeatures)) : nil
    }
    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }
    public var parameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    /// x [..., in] → [..., out].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = Tensor.linear(x, weight: weight, bias: bias)
        guard let lora else { return y }
        return y + lora(x)
    }
}
