// VanillaMLP.swift — threestudio's VanillaMLP (models/networks.py), the field's small networks:
// bias-free linear layers (as tiny-cuda-nn's FullyFusedMLP) with ReLU between them and no output
// activation. Weights are [out, in] like torch.nn.Linear, initialised as torch does (uniform in
// ±1/√fan_in, kaiming_uniform with a = √5).
import CIntrinsics
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

    /// x [N, inputs] → [N, outputs]; with `featureMajor`, x is [inputs, N] (the hash encoding's layout).
    public func callAsFunction(_ x: Tensor, featureMajor: Bool = false) -> Tensor {
        forward(x, featureMajor: featureMajor, keepingMasks: false).output
    }

    /// The output and, when asked, each hidden layer's ReLU mask (for `inputGradient`).
    private func forward(_ x: Tensor, featureMajor: Bool, keepingMasks: Bool) -> (output: Tensor, masks: [[Float]]) {
        var h = x, masks: [[Float]] = []
        for i in weights.indices {
            h = i == 0 && featureMajor ? Tensor.linear(featureMajor: h, weight: weights[0]) : Tensor.linear(h, weight: weights[i], bias: nil)
            guard i < weights.count - 1 else { break }
            if keepingMasks { masks.append(reluMask(h.scalars)) }
            h = h.relu()
        }
        return (h, masks)
    }

    /// ∂output/∂input for a network with one output: x [N, inputs] (or [inputs, N] with `featureMajor`)
    /// → [N, inputs], on the tape (the backward pass written forward: vᵢ = (vᵢ₊₁ ⊙ relu′(hᵢ))·Wᵢ). ReLU's
    /// derivative is a 0/1 mask, constant almost everywhere, so differentiating this through the weights
    /// needs no other terms.
    public func inputGradient(_ x: Tensor, featureMajor: Bool = false) -> Tensor {
        let masks = withoutGrad { forward(x, featureMajor: featureMajor, keepingMasks: true).masks }
        return inputGradient(masks: masks, rows: x.shape[featureMajor ? 1 : 0])
    }

    /// The output and `inputGradient` from one pass through the hidden layers: the gradient's ReLU masks
    /// are read off the output's own pre-activations instead of computing them again.
    public func outputAndInputGradient(_ x: Tensor, featureMajor: Bool = false) -> (output: Tensor, inputGradient: Tensor) {
        let (output, masks) = forward(x, featureMajor: featureMajor, keepingMasks: true)
        return (output, inputGradient(masks: masks, rows: x.shape[featureMajor ? 1 : 0]))
    }

    /// vᵢ = (vᵢ₊₁ ⊙ maskᵢ)·Wᵢ from the last layer's weights down: [rows, inputs].
    private func inputGradient(masks: [[Float]], rows: Int) -> Tensor {
        precondition(weights.last!.shape[0] == 1, "inputGradient needs a network with one output")
        var v = weights.last!
        for i in (0..<(weights.count - 1)).reversed() {
            v = Tensor.matmul(masked(v, masks[i], rows: rows), weights[i])
        }
        return v
    }

    /// 1 where x > 0, else 0 (ReLU's derivative at x).
    private func reluMask(_ x: [Float]) -> [Float] {
        storage(x.count) { mask in
            x.withUnsafeBufferPointer { x in
                parallelChunks(x.count, minChunk: 65536) { range in for i in range { mask[i] = x[i] > 0 ? 1 : 0 } }
            }
        }
    }

    /// out[n, k] = mask[n·K + k] · v[n, k] (v [N, K], or [1, K] for every row).
    private func masked(_ v: Tensor, _ mask: [Float], rows: Int) -> Tensor {
        let width = v.shape[1], shared = v.shape[0] == 1
        let out = storage(rows * width) { out in
            v.scalars.withUnsafeBufferPointer { v in
                parallelChunks(rows, minChunk: 1024) { range in
                    for n in range { for k in 0..<width { out[n * width + k] = mask[n * width + k] * v[shared ? k : n * width + k] } }
                }
            }
        }
        return Tensor.record(Tensor(shape: [rows, width], scalars: out), inputs: [v]) { y in
            let dy = y.gradScalars
            v.gradScalars.withUnsafeMutableBufferPointer { dv in
                dy.withUnsafeBufferPointer { dy in
                    if shared {
                        // A sum over the rows for each column: the columns are halved between the cores (each
                        // half is one pass over the rows), each column summed in row order, so the bits do not
                        // depend on the split.
                        mask.withUnsafeBufferPointer { mask in
                            guard rows > 0 else { return }
                            parallelChunks(width, minChunk: (width + 1) / 2) { columns in
                                d3d_masked_column_sums(mask.baseAddress!, dy.baseAddress!, rows, width, columns.lowerBound, columns.count,
                                                       dv.baseAddress! + columns.lowerBound)
                            }
                        }
                    } else {
                        parallelChunks(rows, minChunk: 1024) { range in
                            for n in range { for k in 0..<width { dv[n * width + k] += mask[n * width + k] * dy[n * width + k] } }
                        }
                    }
                }
            }
        }
    }
}
