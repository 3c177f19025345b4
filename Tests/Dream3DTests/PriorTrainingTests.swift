// Training the built-in prior: the loss curve repeats bit for bit for a seed, and it goes down.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

/// The built-in prior at 16² with 8/16 channels: fast enough for unit tests.
func tinyPriorConfiguration() throws -> BuiltInPriorConfiguration {
    var configuration = BuiltInPriorConfiguration()
    configuration.imageSize = 16
    configuration.batchSize = 4
    let json = """
    {"sample_size": 16, "in_channels": 9, "out_channels": 3,
     "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"], "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
     "mid_block_type": "UNetMidBlock2DCrossAttn", "block_out_channels": [8, 16], "layers_per_block": 1,
     "cross_attention_dim": 64, "attention_head_dim": 4, "norm_num_groups": 4, "class_embed_type": "projection",
     "projection_class_embeddings_input_dim": 6, "flip_sin_to_cos": true, "freq_shift": 0}
    """
    configuration.unet = try JSONDecoder().decode(UNet2DConditionConfiguration.self, from: Data(json.utf8))
    return configuration
}

func tinyPriorTrainer(seed: UInt64) throws -> PriorTrainer {
    let library = try ShapeLibrary.load()
    let configuration = try tinyPriorConfiguration()
    var settings = DatasetSettings()
    settings.imageSize = 16
    let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: seed)
    return PriorTrainer(model: model, dataset: DatasetRenderer(library: library, settings: settings, seed: seed), seed: seed)
}

@Suite struct PriorTrainingTests {
    @Test func lossCurveRepeatsBitForBit() throws {
        let a = try tinyPriorTrainer(seed: 5), b = try tinyPriorTrainer(seed: 5)
        let first = (0..<6).map { _ in a.trainStep() }, second = (0..<6).map { _ in b.trainStep() }
        #expect(first == second)
        #expect(first.allSatisfy { $0.isFinite && $0 > 0 })
        let other = try tinyPriorTrainer(seed: 6)
        #expect((0..<2).map { _ in other.trainStep() } != Array(first.prefix(2)))
        #expect(a.ema == b.ema)
    }

    @Test func resumedTrainingContinuesBitForBit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-prior-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let straight = try tinyPriorTrainer(seed: 8)
        let expected = (0..<5).map { _ in straight.trainStep() }
        let first = try tinyPriorTrainer(seed: 8)
        for _ in 0..<3 { first.trainStep() }
        let url = folder.appendingPathComponent("checkpoint.safetensors")
        try first.saveCheckpoint(to: url)
        let resumed = try tinyPriorTrainer(seed: 8)
        try resumed.restoreCheckpoint(from: url)
        #expect((0..<2).map { _ in resumed.trainStep() } == Array(expected.suffix(2)))
        #expect(resumed.ema == straight.ema)
    }

    @Test func samplingIsSeededAndInRange() throws {
        let trainer = try tinyPriorTrainer(seed: 9)
        let cameras = [0, 90].map { Camera(elevation: 15, azimuth: $0, distance: 1.75, fovy: 0.8, width: 16, height: 16) }
        let a = try samplePrior(trainer.model, prompts: ["a red chair", "a red chair"], cameras: cameras, steps: 4, seed: 1)
        let b = try samplePrior(trainer.model, prompts: ["a red chair", "a red chair"], cameras: cameras, steps: 4, seed: 1)
        #expect(a.shape == [2, 3, 16, 16] && a.scalars == b.scalars)
        #expect(a.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func aFolderWithoutCheckpointIsNamedWithAHint() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-empty-\(UUID().uuidString)")
        #expect(throws: PriorFolderError.noCheckpoint(folder: folder.path)) { try loadTrainedPrior(folder: folder) }
        #expect(PriorFolderError.noCheckpoint(folder: "runs/x").description.contains("dream3d prior train --out runs/x"))
        #expect(!FileManager.default.fileExists(atPath: folder.path))       // nothing created by looking
    }

    @Test func trainingLowersTheLossOnAFixedHeldOutBatch() throws {
        let trainer = try tinyPriorTrainer(seed: 7)
        let examples = trainer.dataset.examples(heldOutIndex..<(heldOutIndex + 16))
        var generator = SeededGenerator(seed: 1)
        let t = (0..<16).map { 60 * $0 + 30 }, noise = generator.normals(16 * 3 * 16 * 16)
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera))
        let before = withoutGrad { trainer.model.weightedLoss(examples.flatMap(\.image.scalars), timesteps: t, noise: noise, conditions: conditions).item }
        for _ in 0..<150 { trainer.trainStep() }
        let after = withoutGrad { trainer.model.weightedLoss(examples.flatMap(\.image.scalars), timesteps: t, noise: noise, conditions: conditions).item }
        #expect(after < 0.8 * before, "held-out loss \(before) → \(after)")
    }
}
