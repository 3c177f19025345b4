// Issue 9's ways of teaching the prior its camera, and fine-tuning from a prior's weights: batches of
// views of one object that share timestep, noise and dropout; high-noise timesteps; azimuth harmonics
// among the camera numbers; a faster class embedding; a fine-tune starts from exactly the given weights,
// widening the camera numbers' layer with zero columns.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

@Suite struct CameraTrainingTests {
    @Test func trainingOnGroupsIsSeededAndFinite() throws {
        let library = try ShapeLibrary.load()
        var configuration = try tinyPriorConfiguration()
        configuration.sharedNoiseViews = 4
        configuration.groupLight = .followsCamera
        configuration.setAzimuthHarmonics(2)
        configuration.cameraEmbeddingLearningRateScale = 10
        configuration.highNoiseShare = 0.5
        func trainer() throws -> PriorTrainer {
            let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 2)
            return PriorTrainer(model: model, dataset: try priorDataset(imageSize: 16, groupViews: 4, groupLight: .followsCamera, seed: 2), seed: 2)
        }
        let a = try trainer(), b = try trainer()
        let first = (0..<3).map { _ in a.trainStep() }
        #expect(first == (0..<3).map { _ in b.trainStep() })
        #expect(first.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(a.ema == b.ema)
    }

    @Test func groupedBatchesAreViewsOfOneObjectSharingTheirDraws() throws {
        let library = try ShapeLibrary.load()
        var configuration = try tinyPriorConfiguration()
        configuration.batchSize = 8
        configuration.sharedNoiseViews = 4
        configuration.dropBothProbability = 0.5                 // so that dropout varies between groups
        let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 1)
        let dataset = try priorDataset(imageSize: 16, groupViews: 4, seed: 1)
        let trainer = PriorTrainer(model: model, dataset: dataset, seed: 1)
        var seenDropout = Set<Bool>()
        for step in 0..<4 {
            trainer.step = step
            let batch = trainer.nextBatch(), pixels = 3 * 16 * 16
            #expect(batch.examples.count == 8 && batch.timesteps.count == 8 && batch.noise.count == 8 * pixels)
            for group in 0..<2 {
                let views = Array((group * 4)..<(group * 4 + 4))
                let setups = dataset.groupSetups(step * 2 + group)
                #expect(views.map { batch.examples[$0].camera } == setups.map(\.camera))
                #expect(Set(views.map { batch.examples[$0].instance.values }).count == 1)
                #expect(Set(views.map { batch.timesteps[$0] }).count == 1)
                #expect(Set(views.map { Array(batch.noise[($0 * pixels)..<(($0 + 1) * pixels)]) }).count == 1)
                #expect(Set(views.map { batch.conditions.keepCamera[$0] }).count == 1 && Set(views.map { batch.conditions.keepText[$0] }).count == 1)
                seenDropout.insert(batch.conditions.keepCamera[views[0]])
                // Evenly round the object: the azimuths' sines and cosines sum to zero over the group.
                let azimuths = views.map { batch.examples[$0].camera.azimuth * .pi / 180 }
                #expect(abs(azimuths.map(sin).reduce(0, +)) < 1e-4 && abs(azimuths.map(cos).reduce(0, +)) < 1e-4)
            }
            #expect(batch.timesteps[0] != batch.timesteps[4] || batch.noise[0] != batch.noise[4 * pixels])   // groups differ
        }
        #expect(seenDropout.count == 2)
        // Independent examples by default: dataset examples step·B ..< (step + 1)·B, one draw each.
        let plain = try tinyPriorTrainer(seed: 1)
        let batch = plain.nextBatch()
        #expect(batch.examples.map(\.camera) == plain.dataset.examples(0..<4).map(\.camera) && Set(batch.timesteps).count > 1)
    }

    @Test func highNoiseShareDrawsThatShareFromTheHighNoiseRange() throws {
        let library = try ShapeLibrary.load()
        func timesteps(share: Float?) throws -> [Int] {
            var configuration = try tinyPriorConfiguration()
            configuration.batchSize = 64
            configuration.highNoiseShare = share
            let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
            let trainer = PriorTrainer(model: model, dataset: try priorDataset(imageSize: 16, seed: 0), seed: 0)
            return trainer.nextBatch().timesteps
        }
        let high = BuiltInPriorConfiguration().highNoise
        #expect(try timesteps(share: 1).allSatisfy(high.contains))
        let uniform = try timesteps(share: nil), half = try timesteps(share: 0.5)
        let highShare = { (t: [Int]) in Float(t.filter(high.contains).count) / Float(t.count) }
        #expect(highShare(uniform) < 0.35 && highShare(half) > 0.45 && half.contains { $0 < 400 })
    }

    @Test func azimuthHarmonicsWidenTheCameraNumbersAndAFineTuneStartsThemAtZero() throws {
        let camera = Camera(elevation: 10, azimuth: 30, distance: 1.7, fovy: 0.8, width: 16, height: 16)
        let numbers = BuiltInPriorModel.cameraNumbers(camera, harmonics: 3)
        #expect(numbers.count == 10 && Array(numbers.prefix(6)) == BuiltInPriorModel.cameraNumbers(camera))
        let a = Float(30) * .pi / 180
        #expect(abs(numbers[6] - sin(2 * a)) < 1e-6 && abs(numbers[7] - cos(2 * a)) < 1e-6 && abs(numbers[9] - cos(3 * a)) < 1e-6)
        // A one-harmonic prior fine-tuned with two: its columns kept, the new ones zero, the output unchanged.
        let source = try tinyPriorTrainer(seed: 4)
        for _ in 0..<2 { source.trainStep() }
        let library = try ShapeLibrary.load()
        var configuration = try tinyPriorConfiguration()
        configuration.setAzimuthHarmonics(2)
        let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 5)
        let fineTune = PriorTrainer(model: model, dataset: source.dataset, seed: 5)
        try fineTune.startFrom(source.model, path: "source")
        let name = "unet.class_embedding.linear_1.weight"
        let old = source.model.namedParameters.first { $0.0 == name }!.1, new = model.namedParameters.first { $0.0 == name }!.1
        #expect(new.shape == [old.shape[0], 8])
        for r in 0..<old.shape[0] {
            #expect(Array(new.scalars[(r * 8)..<(r * 8 + 6)]) == Array(old.scalars[(r * 6)..<(r * 6 + 6)]))
            #expect(new.scalars[(r * 8 + 6)..<(r * 8 + 8)].allSatisfy { $0 == 0 })
        }
        let examples = source.dataset.examples(0..<2)
        var generator = SeededGenerator(seed: 1)
        let z = Tensor(shape: [2, 3, 16, 16], scalars: generator.normals(2 * 3 * 16 * 16))
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera))
        let before = withoutGrad { source.model(z, timesteps: [500, 900], conditions: conditions) }
        let after = withoutGrad { model(z, timesteps: [500, 900], conditions: conditions) }
        #expect(zip(before.scalars, after.scalars).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($0)) })
        // The camera numbers' class embedding is its own optimiser group when it learns faster.
        configuration.cameraEmbeddingLearningRateScale = 10
        let faster = PriorTrainer(model: try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 5),
                                  dataset: source.dataset, seed: 5)
        #expect(faster.optimizer.groups.map(\.learningRate) == [configuration.learningRate, 10 * configuration.learningRate])
        #expect(faster.optimizer.groups[1].parameters.allSatisfy { $0.name?.hasPrefix("unet.class_embedding.") == true })
        #expect(faster.optimizer.groups[1].parameters.count == 4)
    }

    @Test func aFineTuneStartsFromTheGivenWeights() throws {
        let source = try tinyPriorTrainer(seed: 4)
        for _ in 0..<2 { source.trainStep() }
        let fineTune = try tinyPriorTrainer(seed: 5)
        try fineTune.startFrom(source.model, path: "source")
        for (name, p) in fineTune.model.namedParameters {
            let q = source.model.namedParameters.first { $0.0 == name }!.1
            #expect(p.scalars == q.scalars && fineTune.ema[name]! == q.scalars, "\(name)")
        }
        // A prior of another shape is refused with the parameter named.
        var other = try tinyPriorConfiguration()
        other.unet.blockOutChannels = [8, 8]
        let library = try ShapeLibrary.load()
        let different = try BuiltInPriorModel(other, vocabulary: PromptGrammar(library: library).vocabulary, seed: 0)
        #expect {
            try fineTune.startFrom(different, path: "other")
        } throws: { error in
            "\(error)".contains("other") && "\(error)".contains("unet.") && "\(error)".contains("this configuration needs")
        }
    }
}
