// Issue 9's per-object camera numbers: each object of `cameraFamilies` has its own sin/cos of the azimuth
// and of twice it among the class labels, filled only when the kept caption names that object. A
// fine-tune gains them as zero columns (its output unchanged), and an export reloads with them.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

@Suite struct ObjectCameraNumbersTests {
    let families = ["teddy bear", "car", "traffic cone", "ice cream cone"]

    @Test func aCaptionNamesAnObjectByItsWholeName() {
        #expect(BuiltInPriorModel.family(namedIn: "a red car, side view", among: families) == 1)
        #expect(BuiltInPriorModel.family(namedIn: "A Teddy Bear", among: families) == 0)
        #expect(BuiltInPriorModel.family(namedIn: "an ice cream cone, from the side", among: families) == 3)
        #expect(BuiltInPriorModel.family(namedIn: "a cone", among: families) == nil)
        #expect(BuiltInPriorModel.family(namedIn: "a teddy", among: families) == nil)
        #expect(BuiltInPriorModel.family(namedIn: "a scar", among: families) == nil)
    }

    @Test func onlyTheNamedObjectsSlotCarriesTheAzimuth() throws {
        var configuration = try tinyPriorConfiguration()
        configuration.setCameraFamilies(families)
        #expect(configuration.cameraNumberCount == 6 + 16 && configuration.unet.projectionClassEmbeddingsInputDim == 22)
        let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: ShapeLibrary.load()).vocabulary, seed: 0)
        let camera = Camera(elevation: 10, azimuth: 30, distance: 1.7, fovy: 0.8, width: 16, height: 16)
        let conditions = PriorConditions(captions: ["a blue car", "a blue car", "a blue car", "a duck"], cameras: [camera, camera, camera, camera],
                                         keepText: [true, false, true, true], keepCamera: [true, true, false, true])
        let labels = model.classLabels(conditions).scalars, row = 22
        let a = Float(30) * .pi / 180, expected: [Float] = [sin(a), cos(a), sin(2 * a), cos(2 * a)]
        #expect(Array(labels[0..<6]) == BuiltInPriorModel.cameraNumbers(camera))
        #expect(Array(labels[(6 + 4)..<(6 + 8)]) == expected)
        #expect(labels[6..<(6 + 4)].allSatisfy { $0 == 0 } && labels[(6 + 8)..<row].allSatisfy { $0 == 0 })
        #expect(Array(labels[row..<(row + 6)]) == BuiltInPriorModel.cameraNumbers(camera) && labels[(row + 6)..<(2 * row)].allSatisfy { $0 == 0 },
                "text dropped: shared numbers only")
        #expect(labels[(2 * row)..<(3 * row)].allSatisfy { $0 == 0 }, "camera dropped: all zeros")
        #expect(labels[(3 * row + 6)..<(4 * row)].allSatisfy { $0 == 0 }, "an object without numbers of its own")
    }

    @Test func aFineTuneGainsThemAtZeroAndAnExportKeepsThem() throws {
        let source = try tinyPriorTrainer(seed: 4)
        for _ in 0..<2 { source.trainStep() }
        var configuration = try tinyPriorConfiguration()
        configuration.setCameraFamilies(families)
        let library = try ShapeLibrary.load()
        let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: library).vocabulary, seed: 5)
        let fineTune = PriorTrainer(model: model, dataset: source.dataset, seed: 5)
        try fineTune.startFrom(source.model, path: "source")
        let examples = source.dataset.examples(0..<2)
        var generator = SeededGenerator(seed: 1)
        let z = Tensor(shape: [2, 3, 16, 16], scalars: generator.normals(2 * 3 * 16 * 16))
        let conditions = PriorConditions(captions: ["a red car", "a teddy bear"], cameras: examples.map(\.camera))
        let before = withoutGrad { source.model(z, timesteps: [500, 900], conditions: conditions) }
        let after = withoutGrad { model(z, timesteps: [500, 900], conditions: conditions) }
        #expect(zip(before.scalars, after.scalars).allSatisfy { (x: Float, y: Float) in abs(x - y) <= 1e-5 * max(1, abs(x)) })
        fineTune.trainStep()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let check = priorCheckInput(model, dataset: source.dataset)
        _ = try exportBuiltInPrior(model, trainingStep: 1, to: folder, check: check, unetWeights: .f32)
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        #expect(loaded.configuration.cameraFamilies == families && loaded.configuration.cameraNumberCount == 22)
        let output = { (m: BuiltInPriorModel) in withoutGrad { m(z, timesteps: [500, 900], conditions: conditions).scalars } }
        #expect(output(loaded) == output(model))
    }
}
