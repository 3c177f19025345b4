// Tensor.swift — a dense Float32 array with a shape, and (when it takes part in differentiation)
// a node of the reverse-mode autograd graph.
//
// Storage is contiguous and row-major; images are NCHW like PyTorch, so checkpoint tensors load
// without transposes. A tensor is a reference type: the autograd graph links outputs to the very
// objects they were computed from, as in tinygrad and PyTorch.

/// A dense, contiguous, row-major Float32 tensor that can record how it was computed.
public final class Tensor {
    /// Extent of each axis, outermost first (NCHW for images).
    public let shape: [Int]
    /// The values, row-major. Ops read them; writing them by hand is for initialisation and tests.
    public var scalars: [Float]
    /// Whether gradients flow to this tensor: true for parameters and anything computed from one
    /// while gradients are enabled.
    public internal(set) var requiresGrad: Bool
    /// Human-readable name (parameters carry their checkpoint key here).
    public var name: String?

    /// The gradient buffer; kept across `zeroGrad()` (which only marks it stale) so that large
    /// parameters, like the hash grid's 50 MB of tables, are not re-allocated and page-faulted each step.
    var storedGrad: [Float]?
    /// Whether `storedGrad` holds the current gradient (false: it is stale and reads as zeros).
    var gradIsCurrent = false
    /// The tensors this one was computed from (empty for leaves and after `backward` released the graph).
    var inputs: [Tensor] = []
    /// Adds this tensor's gradient into its inputs' gradients; nil for leaves.
    var backwardFunction: ((Tensor) -> Void)?

    /// A tensor holding `scalars` in `shape`. Precondition: the counts agree.
    public init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) holds \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
        self.requiresGrad = requiresGrad
    }

    /// A tensor of `shape` filled with `value`.
    public convenience init(repeating value: Float, shape: [Int], requiresGrad: Bool = false) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A tensor of zeros.
    public convenience init(zeros shape: [Int], requiresGrad: Bool = false) {
        self.init(repeating: 0, shape: shape, requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor holding one value.
    public convenience init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// A trainable leaf: gradients accumulate into it until `zeroGrad()`.
    public static func parameter(_ shape: [Int], scalars: [Float], name: String? = nil) -> Tensor {
        let t = Tensor(shape: shape, scalars: scalars, requiresGrad: true)
        t.name = name
        return t
    }

    /// Number of values.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Whether this tensor was produced by an op (as opposed to made directly).
    public var isLeaf: Bool { backwardFunction == nil }

    /// The gradient of the last `backward` with respect to this tensor, zeros if none reached it.
    /// Writes go straight to the buffer: backward kernels accumulate with `+=`.
    public var gradScalars: [Float] {
        get { gradIsCurrent ? storedGrad! : [Float](repeating: 0, count: count) }
        _modify {
            if storedGrad == nil {
                storedGrad = zeroedStorage(count)
            } else if !gradIsCurrent {
                // Both cores: a hash grid's gradient is tens of MB, cleared before every step's backward.
                storedGrad!.withUnsafeMutableBufferPointer { grad in
                    let base = grad.baseAddress!
                    parallelChunks(grad.count, minChunk: 1 << 18) { (base + $0.lowerBound).update(repeating: 0, count: $0.count) }
                }
            }
            gradIsCurrent = true
            yield &storedGrad!
        }
        set {
            storedGrad = newValue
            gradIsCurrent = true
        }
    }

    /// The gradient buffer for a backward that zeroes what it adds into itself, part by part: `body` gets the
    /// buffer and whether it holds the current gradient. When it does not, the contents are stale (not zeros)
    /// and `body` must zero every part of the buffer before adding into it. Zeroing a part just before its
    /// scatter leaves its lines in cache for it, where a separate pass over a large gradient (the hash grid's
    /// 64 MB) writes them back to memory for the scatter to fetch again.
    public func withGradientBuffer<R>(_ body: (UnsafeMutableBufferPointer<Float>, _ isCurrent: Bool) -> R) -> R {
        let isCurrent = gradIsCurrent
        if storedGrad == nil { storedGrad = uninitializedStorage(count) }
        gradIsCurrent = true
        return storedGrad!.withUnsafeMutableBufferPointer { body($0, isCurrent) }
    }

    /// `body(dx, range)` for each chunk of the gradient buffer, chunks in parallel (split as `parallelChunks`),
    /// for a backward that adds into every element: when the buffer holds no current gradient, each chunk is
    /// zeroed just before `body` runs on it, while it is in cache, instead of in a pass of its own.
    public func addingIntoGradient(minChunk: Int = 4096, _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        guard count > 0 else { return }
        withGradientBuffer { dx, isCurrent in
            let base = dx.baseAddress!
            parallelChunks(count, minChunk: minChunk) { range in
                if !isCurrent { (base + range.lowerBound).update(repeating: 0, count: range.count) }
                body(base, range)
            }
        }
    }

    /// The gradient as a tensor of the same shape (zeros if none).
    public var grad: Tensor { Tensor(shape: shape, scalars: gradScalars) }
    /// Whether a gradient has been accumulated since the last `zeroGrad()`.
    public var hasGrad: Bool { gradIsCurrent }

    /// Forgets the accumulated gradient (the buffer is kept and cleared on the next accumulation).
    public func zeroGrad() { gradIsCurrent = false }

    /// A copy of the values that takes no part in differentiation (PyTorch's `detach`).
    public func detached() -> Tensor { Tensor(shape: shape, scalars: scalars) }

    /// Marks a leaf as trainable, or with `false` as frozen: ops then compute no gradient for it (a base
    /// weight under a LoRA adapter), as torch's `requires_grad_(False)`. No effect on op outputs.
    public func requiringGrad(_ required: Bool = true) -> Tensor {
        precondition(isLeaf, "only leaves can be made trainable or frozen")
        requiresGrad = required
        return self
    }

    /// The single value of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item of a tensor with \(count) values (shape \(shape))")
        return scalars[0]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(\(shape)\(name.map { " \($0)" } ?? ""): [\(shown)\(count > 8 ? ", …" : "")])"
    }
}

import Foundation
