// Issue 9's ways of teaching the prior its camera, and fine-tuning from a prior's weights: batches of
// views of one object that share timestep, noise and dropout; the view-deviation term is each view's
// error less its group's mean, computed apart from the loss; high-noise timesteps; a fine-tune starts
// from exactly the given weights.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

@Suite struct CameraTrainingTests {
    @Test func viewDeviationIsEachViewsErrorLessItsGroupsMean() throws {
        let trainer = try tinyPriorTrainer(seed: 3), model = trainer.model
        for _ in 0..<2 { trainer.trainStep() }             // conv_out starts at zero: every output would be 0
        let dataset = try priorDataset(imageSize: 16, groupViews: 2, seed: 3)
        let examples = dataset.groups(0..<2).flatMap { $0 }, pixels = 3 * 16 * 16
        let t = [900, 900, 250, 250]
        var generator = SeededGenerator(seed: 11)
        let groupNoise = generator.normals(2 * pixels)
        let noise = Array(groupNoise[0..<pixels]) + Array(groupNoise[0..<pixels]) + Array(groupNoise[pixels...]) + Array(groupNoise[pixels...])
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera))
        let loss = withoutGrad {
            model.weightedLoss(examples, timesteps: t, noise: noise, conditions: conditions, viewDeviation: (views: 2, weight: 3))
        }.item
        // The same from the U-Net's output and the targets, element by element.
        let output = withoutGrad {
            model(Tensor(shape: [4, 3, 16, 16], scalars: model.noisedImages(examples.flatMap(\.image.scalars), timesteps: t, noise: noise)),
                  timesteps: t, conditions: conditions)
        }.scalars
        let target = model.trainingTargets(examples.flatMap(\.image.scalars), timesteps: t, noise: noise)
        var denoising = 0.0, deviation = 0.0
        for i in 0..<4 {
            let w = Double(model.lossWeight(timestep: t[i])) / Double(4 * pixels), partner = i ^ 1
            for j in 0..<pixels {
                let e = Double(output[i * pixels + j] - target[i * pixels + j])
                let mean = (e + Double(output[partner * pixels + j] - target[partner * pixels + j])) / 2
                denoising += w * e * e
                deviation += w * (e - mean) * (e - mean)
            }
        }
        #expect(deviation > 0.01 * denoising)
        #expect(abs(Double(loss) - (denoising + 3 * deviation)) <= 1e-4 * denoising, "loss \(loss), expected \(denoising + 3 * deviation)")
        let plain = withoutGrad { model.weightedLoss(examples, timesteps: t, noise: noise, conditions: conditions) }.item
        #expect(abs(Double(plain) - denoising) <= 1e-4 * denoising)
    }

    @Test func trainingOnGroupsIsSeededAndFinite() throws {
        let library = try ShapeLibrary.load()
        var configuration = try tinyPriorConfiguration()
        configuration.sharedNoiseViews = 4
        configuration.viewDeviationWeight = 10
        configuration.highNoiseShare = 0.5
        func trainer() throws -> PriorTrainer {
            let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 2)
            return PriorTrainer(model: model, dataset: try priorDataset(imageSize: 16, groupViews: 4, seed: 2), seed: 2)
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
