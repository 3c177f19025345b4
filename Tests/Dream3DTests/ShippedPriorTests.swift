// The built-in prior shipped in Assets/priors/builtin, loaded the way `dream3d generate` loads it: it
// knows every word of the prompt grammar, and it has learnt the training distribution — on held-out
// renders its training objective is far below that of the same architecture freshly initialised.
import Foundation
import Testing
import Dream3DShapes
@testable import Dream3D

@Suite struct ShippedPriorTests {
    @Test func shippedPriorLoadsAndDenoisesHeldOutRenders() throws {
        let shipped = try loadBuiltInPrior(model: nil)
        let library = try ShapeLibrary.load()
        let vocabulary = PromptGrammar(library: library).vocabulary
        #expect(Set(vocabulary).isSubset(of: Set(shipped.tokenizer.words)))

        var settings = DatasetSettings()
        settings.imageSize = shipped.configuration.imageSize
        let dataset = DatasetRenderer(library: library, settings: settings, seed: 0)
        let fresh = try BuiltInPriorModel(shipped.configuration, vocabulary: vocabulary, seed: 0)
        let trained = heldOutLoss(shipped, dataset: dataset, count: 16), untrained = heldOutLoss(fresh, dataset: dataset, count: 16)
        #expect(trained.isFinite && trained < 0.5 * untrained, "held-out loss \(trained), untrained \(untrained)")
    }
}
