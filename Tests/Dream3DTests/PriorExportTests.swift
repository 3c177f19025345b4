// Exporting the built-in prior as a diffusers folder and loading it back: what is stored is exactly what
// loads (F32 bit for bit; F16 as the F32 weights rounded to F16), and a broken folder is named.
// scripts/check_prior_diffusers.py checks the same folders against diffusers and transformers.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DShapes
@testable import Dream3D

@Suite struct PriorExportTests {
    /// A tiny prior one training step away from its zero-output initialisation, its check input, and a
    /// fresh folder path (removed by the caller).
    func exported(unetWeights: SafetensorsDType) throws -> (PriorTrainer, PriorCheckInput, URL, PriorExportReport) {
        let trainer = try tinyPriorTrainer(seed: 11)
        trainer.trainStep()
        let check = priorCheckInput(trainer.model, dataset: trainer.dataset)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-export-\(UUID().uuidString)")
        let report = try exportBuiltInPrior(trainer.model, trainingStep: trainer.step, to: folder, check: check, unetWeights: unetWeights)
        return (trainer, check, folder, report)
    }

    func output(_ model: BuiltInPriorModel, _ check: PriorCheckInput) -> [Float] {
        withoutGrad { model(check.z, timesteps: check.timesteps, conditions: check.conditions).scalars }
    }

    @Test func f32ExportReloadsBitForBit() throws {
        let (trainer, check, folder, report) = try exported(unetWeights: .f32)
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        #expect(loaded.tokenizer.words == trainer.model.tokenizer.words)
        #expect(loaded.configuration.unet == trainer.model.configuration.unet)
        #expect(loaded.configuration.scheduler == trainer.model.configuration.scheduler)
        #expect(output(loaded, check) == output(trainer.model, check))
        #expect(report.f16Deviation == 0 && report.outputScale > 0)
    }

    @Test func aPriorWithAzimuthHarmonicsExportsAndReloadsThem() throws {
        let library = try ShapeLibrary.load()
        var configuration = try tinyPriorConfiguration()
        configuration.setAzimuthHarmonics(2)
        let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 3)
        let trainer = PriorTrainer(model: model, dataset: try priorDataset(imageSize: 16, seed: 3), seed: 3)
        trainer.trainStep()
        let check = priorCheckInput(model, dataset: trainer.dataset)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try exportBuiltInPrior(model, trainingStep: 1, to: folder, check: check, unetWeights: .f32)
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        #expect(loaded.configuration.azimuthHarmonics == 2 && loaded.configuration.unet.projectionClassEmbeddingsInputDim == 8)
        #expect(output(loaded, check) == output(model, check))
        let extras = try JSONDecoder().decode(BuiltInPriorExtras.self, from: Data(contentsOf: folder.appendingPathComponent("dream3d_prior.json")))
        #expect(extras.classLabels.suffix(2) == ["sin(2·azimuth)", "cos(2·azimuth)"])
    }

    @Test func f16ExportStoresTheRoundedWeights() throws {
        let (trainer, check, folder, report) = try exported(unetWeights: .f16)
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        let full = output(trainer.model, check)
        for (_, p) in trainer.model.unet.namedParameters() { p.scalars = p.scalars.map { floatFromHalfBits(halfBits(from: $0)) } }
        #expect(output(loaded, check) == output(trainer.model, check))
        let deviation = zip(full, output(loaded, check)).map { abs($0 - $1) }.max()!
        #expect(report.f16Deviation == deviation)
        #expect(deviation > 0 && deviation < 1e-2 * report.outputScale, "F16 moved the output by \(deviation) of \(report.outputScale)")
        let unet = try SafetensorsFile(contentsOf: folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
        #expect(unet.names.allSatisfy { unet.dtype(of: $0) == .f16 })
    }

    @Test func aMissingFileIsNamedWithAHint() throws {
        let (_, _, folder, _) = try exported(unetWeights: .f16)
        defer { try? FileManager.default.removeItem(at: folder) }
        let vocabulary = folder.appendingPathComponent("tokenizer/vocab.json")
        try FileManager.default.removeItem(at: vocabulary)
        #expect(throws: PriorFolderError.missingFile(path: vocabulary.path, what: "the word vocabulary")) {
            try loadBuiltInPrior(diffusersFolder: folder)
        }
        let message = PriorFolderError.missingFile(path: vocabulary.path, what: "the word vocabulary").description
        #expect(message.contains("tokenizer/vocab.json: no such file") && message.contains("\nhint: export it again"))
    }

    @Test func exportReplacesAnEarlierExportButNothingElse() throws {
        let (trainer, check, folder, _) = try exported(unetWeights: .f16)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try exportBuiltInPrior(trainer.model, trainingStep: 7, to: folder, check: check)
        let extras = try JSONDecoder().decode(BuiltInPriorExtras.self, from: Data(contentsOf: folder.appendingPathComponent("dream3d_prior.json")))
        #expect(extras.trainingStep == 7)
        let parent = folder.deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).allSatisfy { !$0.hasPrefix(".\(folder.lastPathComponent).") })

        let other = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-not-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: other) }
        try Data("keep".utf8).write(to: other.appendingPathComponent("notes.txt"))
        #expect(throws: PriorFolderError.notAnExport(folder: other.path)) {
            try exportBuiltInPrior(trainer.model, trainingStep: 7, to: other, check: check)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: other.path) == ["notes.txt"])
    }
}
