// Adam.swift — Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), as torch.optim.Adam
// and torch.optim.AdamW compute them:
//     m ← β1·m + (1 − β1)·g,  v ← β2·v + (1 − β2)·g²,
//     θ ← θ − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
// Adam adds weight decay to the gradient (g + λθ); AdamW decays the weight itself (θ ← θ − lr·λ·θ).
// Per-group learning rates let the hash grid and the MLPs learn at different speeds (DESIGN.md §4).

/// Parameters that share a learning rate and weight decay.
public struct ParameterGroup {
    public var name: String
    public var parameters: [Tensor]
    public var learningRate: Float
    public var weightDecay: Float
    /// Leave entries whose gradient is exactly 0 untouched, moments included (Instant-NGP §4 does this
    /// for hash-table entries: a step touches few of the 12 M entries, and a dense update would cost
    /// more than the render).
    public var skipsZeroGradients: Bool

    /// Every parameter must have a unique `name`: optimiser state is saved under it.
    public init(name: String, parameters: [Tensor], learningRate: Float, weightDecay: Float = 0, skipsZeroGradients: Bool = false) {
        for p in parameters { precondition(p.name != nil && p.requiresGrad, "group \(name): parameters need a name and requiresGrad") }
        self.name = name
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.skipsZeroGradients = skipsZeroGradients
    }
}

/// Adam or AdamW over parameter groups, with state that can be saved and restored.
public final class Adam {
    public enum WeightDecay: String, Codable, Sendable {
        /// Added to the gradient (torch.optim.Adam).
        case l2
        /// Applied to the weight, decoupled from the moments (torch.optim.AdamW).
        case decoupled
    }

    public var groups: [ParameterGroup]
    public let beta1: Float, beta2: Float, epsilon: Float
    public let weightDecayMode: WeightDecay
    /// Number of steps taken (t in the bias corrections).
    public private(set) var stepCount = 0
    private var firstMoments: [String: [Float]] = [:]
    private var secondMoments: [String: [Float]] = [:]

    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: WeightDecay = .l2) {
        let names = groups.flatMap { $0.parameters.map { $0.name! } }
        precondition(Set(names).count == names.count, "parameter names must be unique across groups")
        self.groups = groups
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecayMode = weightDecay
    }

    /// AdamW with torch's defaults (weight decay 0.01 unless a group sets its own).
    public static func adamW(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8) -> Adam {
        Adam(groups: groups, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: .decoupled)
    }

    /// All parameters of all groups.
    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    /// Forgets every parameter's gradient.
    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// One update from the accumulated gradients (parameters without a gradient are skipped).
    public func step() {
        stepCount += 1
        let correction1 = 1 - pow(Double(beta1), Double(stepCount)), correction2 = 1 - pow(Double(beta2), Double(stepCount))
        let stepSize = Float(1 / correction1), varianceScale = Float(1 / correction2)
        for group in groups {
            let lr = group.learningRate, decay = group.weightDecay
            for p in group.parameters where p.hasGrad {
                let name = p.name!, n = p.count, skip = group.skipsZeroGradients, mode = weightDecayMode
                // Taken out of the dictionaries so the buffers stay uniquely referenced: writing them
                // in place would otherwise copy them (50 MB for the hash grid) every step.
                var m = firstMoments.removeValue(forKey: name) ?? zeroedStorage(n)
                var v = secondMoments.removeValue(forKey: name) ?? zeroedStorage(n)
                let (beta1, beta2, epsilon) = (self.beta1, self.beta2, self.epsilon)
                p.gradScalars.withUnsafeBufferPointer { g in
                    p.scalars.withUnsafeMutableBufferPointer { theta in
                        m.withUnsafeMutableBufferPointer { m in
                            v.withUnsafeMutableBufferPointer { v in
                                let g = g.baseAddress!, theta = theta.baseAddress!, m = m.baseAddress!, v = v.baseAddress!
                                // Elementwise and independent: any split over the cores gives the same bits.
                                parallelChunks(n, minChunk: 1 << 16) { range in
                                    for i in range {
                                        var gi = g[i]
                                        if skip && gi == 0 { continue }
                                        switch mode {
                                        case .l2: gi += decay * theta[i]
                                        case .decoupled: theta[i] -= lr * decay * theta[i]
                                        }
                                        m[i] = beta1 * m[i] + (1 - beta1) * gi
                                        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                        theta[i] -= lr * (m[i] * stepSize) / ((v[i] * varianceScale).squareRoot() + epsilon)
                                    }
                                }
                            }
                        }
                    }
                }
                firstMoments[name] = m
                secondMoments[name] = v
            }
        }
    }

    /// The moments as tensors named "exp_avg.<parameter>" and "exp_avg_sq.<parameter>" (torch's
    /// state names), ready for a safetensors checkpoint; the step count goes in its metadata.
    public func stateTensors() -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for p in parameters {
            let name = p.name!
            if let m = firstMoments[name] { state["exp_avg.\(name)"] = Tensor(shape: p.shape, scalars: m) }
            if let v = secondMoments[name] { state["exp_avg_sq.\(name)"] = Tensor(shape: p.shape, scalars: v) }
        }
        return state
    }

    /// Restores the moments and step count saved by `stateTensors()`. Fails on a shape mismatch.
    public func restore(stateTensors state: [String: Tensor], stepCount: Int) throws(OptimizerStateError) {
        var first: [String: [Float]] = [:], second: [String: [Float]] = [:]
        for p in parameters {
            let name = p.name!
            for (prefix, store) in [("exp_avg", 0), ("exp_avg_sq", 1)] {
                guard let t = state["\(prefix).\(name)"] else { continue }
                guard t.count == p.count else {
                    throw OptimizerStateError(parameter: name, expected: p.shape, found: t.shape)
                }
                if store == 0 { first[name] = t.scalars } else { second[name] = t.scalars }
            }
        }
        firstMoments = first
        secondMoments = second
        self.stepCount = stepCount
    }
}

/// Saved optimiser state does not fit the parameters it is restored into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    public let parameter: String
    public let expected: [Int], found: [Int]
    public var description: String {
        """
        optimizer state for \(parameter) has shape \(found), the parameter has \(expected)
        hint: the checkpoint was written by a different configuration; resume with the configuration it was made with
        """
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm` (torch.nn.utils.clip_grad_norm_).
/// Returns the norm before clipping. The norm is summed in Double in parameter order: reproducible.
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var total: Double = 0
    for p in parameters where p.hasGrad { for g in p.gradScalars { total += Double(g) * Double(g) } }
    let norm = Float(total.squareRoot())
    if norm > maxNorm {
        let scale = maxNorm / (norm + 1e-6)
        for p in parameters where p.hasGrad {
            p.gradScalars.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
        }
    }
    return norm
}

import Foundation
