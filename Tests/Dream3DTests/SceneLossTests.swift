// The scene losses reach the field: a step with a loss must move it differently from the same step
// without. They hang from the compositing node the image comes from, and once went through a graph the
// image's backward had already released, so they changed nothing.
import Testing
@testable import Dream3D

@Suite struct SceneLossTests {
    /// The density network's first layer after one shaded step of `configuration` changed by `change`.
    private func firstLayerAfterOneStep(method: String = "sds", _ change: (inout TrainingConfiguration) -> Void = { _ in }) throws -> [Float] {
        var configuration = tinyConfiguration(steps: 4)
        configuration.method = method
        configuration.albedoOnlySteps = 0
        configuration.shadedProbability = 1
        configuration.texturelessShare = 0
        configuration.sparsityWeight = 0
        configuration.orientationWeight = 0
        configuration.sjc.emptinessWeight = 0
        change(&configuration)
        let trainer = try Trainer(prompt: "a sphere", prior: tinyAnalyticPrior(), configuration: configuration)
        trainer.trainStep()
        return trainer.field.densityNetwork.weights[0].scalars
    }

    @Test func everySceneLossMovesTheField() throws {
        let plain = try firstLayerAfterOneStep(), sjc = try firstLayerAfterOneStep(method: "sjc")
        let moved: [(String, Bool)] = try [
            ("sparsity", firstLayerAfterOneStep { $0.sparsityWeight = 1 } != plain),
            ("opacity entropy", firstLayerAfterOneStep { $0.opacityEntropyWeight = 1 } != plain),
            ("orientation", firstLayerAfterOneStep { $0.orientationWeight = 1 } != plain),
            ("SJC emptiness", firstLayerAfterOneStep(method: "sjc") { $0.sjc.emptinessWeight = 1e4 } != sjc),
            ("SJC centre depth", firstLayerAfterOneStep(method: "sjc") { $0.sjc.centreDepthWeight = 10 } != sjc),
        ]
        for (loss, didMove) in moved { #expect(didMove, "the \(loss) loss left the field as it was") }
    }
}
