// Adam / AdamW against the closed-form first step, convergence, clipping and state round trips.
import Testing
@testable import Dream3DCore

@Suite struct OptimizerTests {
    func parameter(_ values: [Float], _ name: String) -> Tensor { Tensor.parameter([values.count], scalars: values, name: name) }

    @Test func firstAdamStepMovesEachWeightByTheLearningRate() {
        // After one step m̂ = g and v̂ = g², so θ moves by lr·g/(|g| + ε) ≈ lr·sign(g) (Kingma & Ba, §2).
        let p = parameter([1, -2, 3], "p"), q = parameter([0.5], "q")
        let adam = Adam(groups: [ParameterGroup(name: "a", parameters: [p], learningRate: 0.1),
                                 ParameterGroup(name: "b", parameters: [q], learningRate: 0.01)])
        (p * Tensor(shape: [3], scalars: [4, -0.5, 0.001]) + q * 2).sum().backward()
        adam.step()
        expectClose(p.scalars, [1 - 0.1, -2 + 0.1, 3 - 0.1 * 0.001 / (0.001 + 1e-8)], tolerance: 1e-6, "Adam step, group a")
        expectClose(q.scalars, [0.5 - 0.01], tolerance: 1e-6, "Adam step, group b")
    }

    @Test func weightDecayModes() {
        // Zero gradient isolates the decay. AdamW: θ ← θ(1 − lr·λ) and the moments stay zero.
        let p = parameter([2], "p")
        let adamW = Adam.adamW(groups: [ParameterGroup(name: "all", parameters: [p], learningRate: 0.1, weightDecay: 0.5)])
        p.gradScalars = [0]
        adamW.step()
        expectClose(p.scalars, [2 * (1 - 0.05)], tolerance: 1e-6, "AdamW decay")
        // Adam (L2): the decay enters the gradient, g = λθ = 1, so the first step is again lr·sign.
        let r = parameter([2], "r")
        let adam = Adam(groups: [ParameterGroup(name: "all", parameters: [r], learningRate: 0.1, weightDecay: 0.5)])
        r.gradScalars = [0]
        adam.step()
        expectClose(r.scalars, [2 - 0.1], tolerance: 1e-6, "Adam L2 decay")
    }

    @Test func skippingZeroGradientsLeavesThoseEntriesAlone() {
        // Instant-NGP's sparse update. Entry 3 has a gradient in step 1 and none in step 2: dense Adam
        // still moves it in step 2 (momentum), the sparse one leaves weight and moments as step 1 left
        // them. Entries with a gradient in both steps move exactly as in dense Adam.
        let sparse = parameter([1, 2, 3, 4], "p"), dense = parameter([1, 2, 3, 4], "p")
        let a = Adam(groups: [ParameterGroup(name: "g", parameters: [sparse], learningRate: 0.1, skipsZeroGradients: true)])
        let b = Adam(groups: [ParameterGroup(name: "g", parameters: [dense], learningRate: 0.1)])
        var afterFirst: [Float] = []
        for gradient: [Float] in [[1, 0, -2, 3], [0.5, 0, 1, 0]] {
            sparse.gradScalars = gradient
            dense.gradScalars = gradient
            a.step()
            b.step()
            if afterFirst.isEmpty { afterFirst = sparse.scalars }
        }
        #expect(sparse.scalars[3] == afterFirst[3] && dense.scalars[3] != afterFirst[3])
        #expect(sparse.scalars[1] == 2)
        #expect(sparse.scalars[0] == dense.scalars[0] && sparse.scalars[2] == dense.scalars[2])
        #expect(a.stateTensors()["exp_avg.p"]!.scalars[3] == b.stateTensors()["exp_avg.p"]!.scalars[3] / 0.9)   // not decayed
    }

    @Test func adamMinimisesAQuadratic() {
        let p = parameter([5, -3, 0.5, 8], "p"), target = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        let adam = Adam(groups: [ParameterGroup(name: "p", parameters: [p], learningRate: 0.05)])
        for _ in 0..<2000 {
            adam.zeroGrad()
            Tensor.mseLoss(p, target).backward()
            adam.step()
        }
        expectClose(p.scalars, target.scalars, tolerance: 1e-2, "Adam minimum")
    }

    @Test func restoredStateContinuesBitIdentically() throws {
        func train(_ adam: Adam, _ p: Tensor, steps: Int) {
            for k in 0..<steps {
                adam.zeroGrad()
                (p.square() * Tensor(shape: [3], scalars: [1, 2, 3]) + p * Float(k)).sum().backward()
                adam.step()
            }
        }
        let p = parameter([1, 2, 3], "p"), reference = parameter([1, 2, 3], "p")
        let adam = Adam.adamW(groups: [ParameterGroup(name: "g", parameters: [p], learningRate: 0.01, weightDecay: 0.1)])
        let uninterrupted = Adam.adamW(groups: [ParameterGroup(name: "g", parameters: [reference], learningRate: 0.01, weightDecay: 0.1)])
        train(adam, p, steps: 5)
        train(uninterrupted, reference, steps: 5)
        let saved = adam.stateTensors(), savedWeights = p.scalars
        #expect(saved.keys.sorted() == ["exp_avg.p", "exp_avg_sq.p"])
        // A fresh optimiser and parameter, restored, must continue exactly as the uninterrupted one.
        let resumed = parameter(savedWeights, "p")
        let restored = Adam.adamW(groups: [ParameterGroup(name: "g", parameters: [resumed], learningRate: 0.01, weightDecay: 0.1)])
        try restored.restore(stateTensors: saved, stepCount: adam.stepCount)
        train(restored, resumed, steps: 3)
        train(uninterrupted, reference, steps: 3)
        #expect(resumed.scalars == reference.scalars)
    }

    @Test func restoringMismatchedStateFailsClearly() {
        let p = parameter([1, 2], "p")
        let adam = Adam(groups: [ParameterGroup(name: "g", parameters: [p], learningRate: 0.1)])
        #expect(throws: OptimizerStateError.self) {
            try adam.restore(stateTensors: ["exp_avg.p": Tensor(zeros: [3])], stepCount: 1)
        }
        do {
            try adam.restore(stateTensors: ["exp_avg.p": Tensor(zeros: [3])], stepCount: 1)
        } catch {
            #expect(error.description.contains("p has shape [3]") && error.description.contains("hint:"))
        }
    }

    @Test func gradientClippingBoundsTheGlobalNorm() {
        let a = parameter([0, 0], "a"), b = parameter([0], "b")
        a.gradScalars = [3, 0]
        b.gradScalars = [4]
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        expectClose(a.gradScalars + b.gradScalars, [0.6, 0, 0.8], tolerance: 1e-5, "clipped gradients")
        #expect(clipGradientNorm([a, b], maxNorm: 10) < 1.0001)     // below the bound: unchanged
        expectClose(a.gradScalars, [0.6, 0], tolerance: 1e-5, "unclipped")
    }
}
