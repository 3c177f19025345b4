// VanillaMLP.swift — threestudio's VanillaMLP (models/networks.py), the field's small networks:
// bias-free linear layers (as tiny-cuda-nn's FullyFusedMLP) with ReLU between them and no output
// activation. Weights are [out, in] like torch.nn.Linear, initialised as torch does (uniform in
// ±1/√fan_in, kaiming_uniform with a = √5).
import Dream3DCore

public final class VanillaMLP {
    /// Layer weights, input layer first, named "<name>.layers.<i>.weight" (full checkpoint paths:
    /// the optimiser keys its state by them).
    public let weights: [Tensor]

    public init(name: String, inputs: Int, outputs: Int, hiddenWidth: Int = 64, hiddenLayers: Int = 1, generator: inout SeededGenerator) {
        let widths = [inputs] + Array(repeating: hiddenWidth, count: hiddenLayers) + [outputs]
        weights = (0..<(widths.count - 1)).map { i in
            let bound = 1 / Float(widths[i]).squareRoot()
            return Tensor.parameter([widths[i + 1], widths[i]], scalars: generator.uniforms(widths[i + 1] * widths[i], in: -bound...bound),
                                    name: "\(name).layers.\(i).weight")
        }
    }

    /// x [N, inputs] → [N, outputs].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (i, w) in weights.enumerated() {
            h = Tensor.linear(h, weight: w, bias: nil)
            if i < weights.count - 1 { h = h.relu() }
        }
        return h
    }
}
