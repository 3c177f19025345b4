// Autograd.swift — reverse-mode differentiation over the graph that ops build.
//
// Each op computes its output eagerly and, when gradients are enabled and an input requires them,
// attaches a closure that adds the output's gradient into its inputs' gradients (tinygrad's
// Function.backward, llm.c's *_backward kernels: they accumulate, never assign). `backward()`
// visits the graph once in reverse topological order and then releases it, like PyTorch with
// retain_graph=False, so activations are freed as soon as they are no longer needed.

/// Whether ops record the graph. Off inside `withoutGrad` (PyTorch's `torch.no_grad()`).
public enum GradMode {
    @TaskLocal static var isEnabled = true

    /// Runs `body` without recording any graph: outputs are plain tensors.
    public static func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $isEnabled.withValue(false, operation: body)
    }
}

/// Runs `body` without recording any graph (PyTorch's `torch.no_grad()`).
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withoutGrad(body)
}

extension Tensor {
    /// Makes `output` a graph node computed from `inputs` when any of them requires gradients and
    /// grad mode is on; `backward` receives the output and adds its gradient into the inputs'.
    /// Public so that modules with their own kernels (hash grid, volume compositing) join the graph.
    public static func record(_ output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) -> Void) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return output }
        output.requiresGrad = true
        output.inputs = inputs
        output.backwardFunction = backward
        return output
    }

    /// Back-propagates from this tensor. `seed` is ∂L/∂self (defaults to 1 for one-element tensors),
    /// so `x.backward(seed: g)` applies an image gradient g directly (DESIGN.md §4). Gradients add
    /// into every reachable leaf that requires them; the graph is released afterwards.
    public func backward(seed: [Float]? = nil) {
        precondition(requiresGrad, "backward on a tensor that does not require gradients")
        if let seed {
            precondition(seed.count == count, "seed has \(seed.count) values for a tensor of \(count)")
        } else {
            precondition(count == 1, "backward without a seed needs a one-element tensor, got shape \(shape)")
        }
        let order = topologicalOrder()
        let start = seed ?? [1]
        if gradIsCurrent {
            gradScalars.withUnsafeMutableBufferPointer { g in
                for i in 0..<count { g[i] += start[i] }
            }
        } else {
            // The seed is the gradient (shared, not copied): a zeroed buffer to add it into is a wasted
            // pass, and for a large seed (a hash grid's 25 MB of features) it faults in fresh pages.
            gradScalars = start
        }
        for node in order.reversed() {
            guard let backwardFunction = node.backwardFunction else { continue }
            if node.gradIsCurrent { backwardFunction(node) }
            node.backwardFunction = nil
            node.inputs = []
            node.storedGrad = nil      // interior gradients are not kept (PyTorch's default)
            node.gradIsCurrent = false
        }
    }

    /// Interior nodes reachable from `self`, each after all of its inputs (iterative post-order, so
    /// deep graphs cannot overflow the stack).
    private func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(node: Tensor, expanded: Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for input in node.inputs where input.backwardFunction != nil && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order
    }
}
