// Zero-shot classification mechanics on a tiny untrained prior: what an untrained model predicts says
// nothing, so these check shapes, determinism, that the shared noise makes the caption the only
// difference between candidates, and how the lowest error is picked.
import Testing
import Dream3DCore
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

@Suite struct ZeroShotClassificationTests {
    @Test func errorsComeOnePerTimestepAndPromptAndRepeat() throws {
        let trainer = try tinyPriorTrainer(seed: 3)
        trainer.trainStep()                                  // conv_out starts at zero; one step makes ε̂ depend on the input
        let example = trainer.dataset.examples(0..<1)[0]
        var generator = SeededGenerator(seed: 1)
        let noise = Tensor(shape: [2, 3, 16, 16], scalars: generator.normals(2 * 3 * 16 * 16))
        func errors() -> [[Float]] {
            denoisingErrors(trainer.model, image: example.image, cameras: [example.camera],
                            prompts: ["a red chair", "a blue mug", "a red chair"], timesteps: [100, 700], noise: noise)
        }
        let first = errors()
        #expect(first.count == 2 && first.allSatisfy { $0.count == 3 })
        #expect(first.joined().allSatisfy { $0.isFinite && $0 > 0 })
        #expect(errors() == first)
        // Same caption, same noise, same timestep: nothing else tells two candidates apart.
        #expect(first.allSatisfy { $0[0] == $0[2] }, "\(first)")
        #expect(first.allSatisfy { $0[0] != $0[1] }, "the caption does not reach the U-Net: \(first)")
    }

    @Test func lowestErrorWinsAndTiesGoToTheFirst() {
        #expect(lowestIndex([0.3, 0.1, 0.2]) == 1)
        #expect(lowestIndex([0.2, 0.1, 0.1]) == 1)
        let result = ZeroShotResult(timesteps: [1, 2], labels: [0, 2], errors: [
            [[0.1, 0.5, 0.9], [0.9, 0.5, 0.1]],          // mean 0.5, 0.5, 0.5: a tie, the first family
            [[0.4, 0.3, 0.2], [0.4, 0.3, 0.2]],
        ])
        #expect(result.predictions == [0, 2])
        #expect(result.accuracy == 1)
        #expect(result.accuracy(timestepIndex: 1) == 0.5)
    }

    @Test func eachImageIsScoredTheSameWhateverTheCount() throws {
        let trainer = try tinyPriorTrainer(seed: 4)
        trainer.trainStep()
        let families = trainer.dataset.library.families.count
        let two = zeroShotClassification(trainer.model, dataset: trainer.dataset, count: 2, timesteps: [300])
        let one = zeroShotClassification(trainer.model, dataset: trainer.dataset, count: 1, timesteps: [300])
        #expect(two.errors.count == 2 && two.errors.allSatisfy { $0.count == 1 && $0[0].count == families })
        #expect(one.errors[0] == two.errors[0])
        #expect(two.labels.allSatisfy { (0..<families).contains($0) })
        #expect(two.predictions.allSatisfy { (0..<families).contains($0) })
        #expect((0...1).contains(two.accuracy))
        let colourless = zeroShotClassification(trainer.model, dataset: trainer.dataset, count: 1, timesteps: [300], colourWords: false)
        #expect(colourless.errors[0] != one.errors[0])
    }

    @Test func heldOutLossIsSeededAndPositive() throws {
        let trainer = try tinyPriorTrainer(seed: 5)
        let a = heldOutLoss(trainer.model, dataset: trainer.dataset, count: 4)
        #expect(a.isFinite && a > 0)
        #expect(heldOutLoss(trainer.model, dataset: trainer.dataset, count: 4) == a)
        #expect(heldOutLoss(trainer.model, dataset: trainer.dataset, count: 4, seed: 1) != a)
    }

    @Test func heldOutRendersOfChosenFamiliesKeepTheirOrder() throws {
        let dataset = try tinyPriorTrainer(seed: 5).dataset
        let all = heldOutSetups(dataset, count: 12)
        #expect(all.map(\.caption) == (heldOutIndex..<(heldOutIndex + 12)).map { dataset.setup($0).caption })
        let chosen: Set<Int> = [1, 4]
        let some = heldOutSetups(dataset, count: 5, families: chosen)
        #expect(some.count == 5 && some.allSatisfy { chosen.contains($0.familyIndex) })
        // The first held-out renders of those families, in index order.
        let expected = (heldOutIndex..<(heldOutIndex + 10_000)).lazy.map { dataset.setup($0) }.filter { chosen.contains($0.familyIndex) }.prefix(5)
        #expect(some.map(\.caption) == expected.map(\.caption))
    }
}
