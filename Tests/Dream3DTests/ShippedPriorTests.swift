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

    /// Issue 9's camera-sensitivity test: on held-out renders of objects whose silhouette turns with the
    /// azimuth, the shipped prior's denoising error with the true camera is clearly below its error with the
    /// camera turned 90° and 180°, at the high timesteps where x_t shows little and SDS leans on the camera.
    /// (Measured for the shipped step-4000 weights by `prior eval`: t = 800 +63% / +41%, t = 950 +123% / +68%;
    /// every earlier prior stayed within ±0.3%.)
    @Test func shippedPriorUsesItsCamera() throws {
        let shipped = try loadBuiltInPrior(model: nil)
        let library = try ShapeLibrary.load()
        var settings = DatasetSettings()
        settings.imageSize = shipped.configuration.imageSize
        let dataset = DatasetRenderer(library: library, settings: settings, seed: 0)
        let turning = try ["teddy bear", "duck", "mug", "car", "chair", "bench", "bed", "table"].map { name throws in try library.familyIndex(named: name) }
        let sensitivity = conditionSensitivity(shipped, dataset: dataset, count: 32, families: Set(turning), timesteps: [800, 950])
        for (t, margins) in zip(sensitivity.timesteps, zip(sensitivity.margins90, sensitivity.margins180)) {
            #expect(margins.0 > 0.2 && margins.1 > 0.1, "t = \(t): camera turned 90° raises the error by \(margins.0), turned 180° by \(margins.1)")
        }
    }
}
