// LoRAAdapter.swift — a low-rank update ΔW = (α/r)·B·A on a Linear (Hu et al. 2021, LoRA), as peft's
// LoraLayer (peft/tuners/lora/layer.py: lora_A [r, in] and lora_B [out, r], no biases, scaling α/r).
// lora_B starts at zero, so a fresh adapter leaves the model's output unchanged.
import Dream3DCore

public final class LoRAAdapter: Layer {
    /// lora_A: [rank, in], Kaiming-uniform-like random (peft's default init).
    public let down: Linear
    /// lora_B: [out, rank], zero.
    public let up: Linear
    public let rank: Int, alpha: Float
    public var scale: Float { alpha / Float(rank) }

    public init(inFeatures: Int, outFeatures: Int, rank: Int, alpha: Float, using generator: inout SeededGenerator) {
        down = Linear(inFeatures, rank, bias: false)
        up = Linear(rank, outFeatures, bias: false)
        self.rank = rank
        self.alpha = alpha
        let bound = 1 / Float(inFeatures).squareRoot()          // kaiming_uniform_(a=√5) bound for fan_in
        down.weight.scalars = generator.uniforms(down.weight.count, in: -bound...bound)
    }
    public var children: [(String, (any Layer)?)] { [("lora_A", down), ("lora_B", up)] }

    /// x [..., in] → the update (α/r)·x·Aᵀ·Bᵀ, [..., out].
    public func callAsFunction(_ x: Tensor) -> Tensor { up(down(x)) * scale }
}
