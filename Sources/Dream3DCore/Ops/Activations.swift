// Activations.swift — the nonlinearities of the field MLPs (softplus, sigmoid, ReLU) and of the
// diffusion models (SiLU in the U-Net, GELU in transformers). Each matches torch.nn.functional.
import CIntrinsics
import Foundation

/// σ(x) = 1 / (1 + e^−x), written so that neither tail overflows.
@inline(__always)
func sigmoidScalar(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
}

extension Tensor {
    public func sigmoid() -> Tensor { map(sigmoidScalar, derivative: { _, y in y * (1 - y) }) }

    /// softplus(x) = log(1 + eˣ) computed as max(x, 0) + log1p(e^−|x|): no overflow for large x,
    /// no cancellation for very negative x. torch.nn.functional.softplus (beta 1).
    public func softplus() -> Tensor {
        map({ Swift.max($0, 0) + Foundation.log1p(Foundation.exp(-Swift.abs($0))) },
            derivative: { x, _ in sigmoidScalar(x) })
    }

    /// SiLU (swish): x·σ(x); derivative σ(x)(1 + x(1 − σ(x))). Vector kernel: CIntrinsics/Activations.c.
    public func silu() -> Tensor { map(kernel: d3d_silu, derivative: d3d_silu_backward) }

    /// ReLU; vector kernel (the field MLPs apply it to [samples, 64] every step).
    public func relu() -> Tensor { map(kernel: d3d_relu, derivative: d3d_relu_backward) }

    /// GELU. `.erf` is the exact x·Φ(x) (torch's default, CLIP's "gelu"), by a vector kernel whose erf
    /// approximation (Abramowitz & Stegun 7.1.26, CIntrinsics/Activations.c) keeps GELU within 5e-7 of
    /// Foundation.erf's; `.tanh` is 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) (torch's approximate="tanh", "gelu_new").
    public func gelu(_ approximation: GELUApproximation = .erf) -> Tensor {
        switch approximation {
        case .erf:
            return map(kernel: d3d_gelu_erf, derivative: d3d_gelu_erf_backward)
        case .tanh:
            let c: Float = (2 / Float.pi).squareRoot()
            return map({ x in 0.5 * x * (1 + Foundation.tanh(c * (x + 0.044715 * x * x * x))) }, derivative: { x, _ in
                let u = c * (x + 0.044715 * x * x * x)
                let t = Foundation.tanh(u)
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
            })
        }
    }

    /// GEGLU's gate (diffusers GEGLU, Shazeer 2020): x [..., 2n] → [..., n], the first half of each row
    /// times the exact GELU of the second half; `split(axis: -1, sizes: [n, n])`, `gelu(.erf)` and a
    /// product in one pass over x (CIntrinsics/Activations.c), without the three intermediate tensors.
    public func geglu() -> Tensor {
        let width = shape.last ?? 0
        precondition(width % 2 == 0, "geglu: the last axis of \(shape) must split into two equal halves")
        let half = width / 2, rows = count / Swift.max(1, width), x = self
        // Rows per chunk: at least 4096 outputs, so a chunk outweighs its hand-off to a core.
        let minRows = Swift.max(1, 4096 / Swift.max(1, half))
        let out = storage(rows * half) { y in
            x.scalars.withUnsafeBufferPointer { xs in
                guard rows > 0, half > 0 else { return }
                let xs = xs.baseAddress!, y = y.baseAddress!
                parallelChunks(rows, minChunk: minRows) { range in
                    d3d_geglu(xs + range.lowerBound * width, y + range.lowerBound * half, range.count, half)
                }
            }
        }
        return Tensor.record(Tensor(shape: Array(shape.dropLast()) + [half], scalars: out), inputs: [x]) { y in
            guard rows > 0, half > 0 else { return }
            let dy = y.gradScalars
            x.scalars.withUnsafeBufferPointer { xs in
                dy.withUnsafeBufferPointer { dy in
                    x.gradScalars.withUnsafeMutableBufferPointer { dx in
                        let xs = xs.baseAddress!, dy = dy.baseAddress!, dx = dx.baseAddress!
                        parallelChunks(rows, minChunk: minRows) { range in
                            d3d_geglu_backward(xs + range.lowerBound * width, dy + range.lowerBound * half,
                                               dx + range.lowerBound * width, range.count, half)
                        }
                    }
                }
            }
        }
    }

    /// quick-GELU x·σ(1.702x), the activation of OpenAI's CLIP text encoder (transformers "quick_gelu").
    public func quickGELU() -> Tensor {
        map({ $0 * sigmoidScalar(1.702 * $0) }, derivative: { x, _ in
            let s = sigmoidScalar(1.702 * x)
            return s + 1.702 * x * s * (1 - s)
        })
    }
}

/// Which GELU formula to use; see `Tensor.gelu(_:)`.
public enum GELUApproximation: Sendable { case erf, tanh }
