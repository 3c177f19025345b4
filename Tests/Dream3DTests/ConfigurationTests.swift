// Recipe and override resolution: precedence, strictness, and the errors users see.
import Foundation
import Testing
@testable import Dream3D

@Suite struct ConfigurationTests {
    func recipe(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recipe-\(UUID().uuidString).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func recipeThenOverridesOverDefaults() throws {
        let url = try recipe("steps: 300\nsds:\n  guidanceScale: 50\n  tRange: [0.1, 0.9]\nfield:\n  encoding:\n    levels: 12\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let c = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: url, overrides: ["sds.guidanceScale=7.5", "background=white"])
        #expect(c.steps == 300 && c.sds.guidanceScale == 7.5 && c.sds.tRange == 0.1...0.9)
        #expect(c.field.encoding.levels == 12 && c.field.encoding.log2TableSize == 16)     // untouched siblings keep defaults
        #expect(c.background == "white" && c.seed == 0)
        // The resolved configuration round-trips through the YAML a run folder stores.
        let saved = try recipe(ConfigurationResolver.yaml(c))
        defer { try? FileManager.default.removeItem(at: saved) }
        #expect(try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: saved, overrides: []) == c)
    }

    @Test func unknownKeysSuggestTheClosestOne() {
        #expect(throws: ConfigurationError.unknownKey(path: "sds.guidanceScal", known: ["cleanFirstViewProbability", "guidanceScale", "tRange"],
                                                      suggestion: "sds.guidanceScale", source: "--set")) {
            try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: ["sds.guidanceScal=3"])
        }
        do {
            _ = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: ["stepz=3"])
            Issue.record("unknown key accepted")
        } catch {
            #expect(error.description.contains("stepz: unknown key") && error.description.contains("did you mean steps?"))
        }
    }

    @Test func badValuesAndBadInputAreNamed() throws {
        do {
            _ = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: ["steps=many"])
            Issue.record("a string was accepted for steps")
        } catch {
            guard case let .invalidValue(path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "steps")
        }
        #expect(throws: ConfigurationError.malformedOverride("steps")) {
            try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: ["steps"])
        }
        let missing = URL(fileURLWithPath: "/nonexistent/recipe.yaml")
        do {
            _ = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: missing, overrides: [])
            Issue.record("a missing recipe was accepted")
        } catch {
            #expect(error.description.contains("/nonexistent/recipe.yaml") && error.description.contains("hint:"))
        }
        let broken = try recipe("steps: [1, 2\n")
        defer { try? FileManager.default.removeItem(at: broken) }
        #expect(throws: ConfigurationError.self) { try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: broken, overrides: []) }
        let list = try recipe("- 1\n- 2\n")
        defer { try? FileManager.default.removeItem(at: list) }
        #expect(throws: ConfigurationError.self) { try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: list, overrides: []) }
    }

    @Test func guidanceValuesNoRunCanUseAreNamed() throws {
        for (override, path) in [("vsd.loraRank=0", "vsd.loraRank"), ("vsd.learningRate=-1", "vsd.learningRate"),
                                 ("vsd.cameraDropout=1.5", "vsd.cameraDropout"), ("vsd.tRange=[0.5, 1.5]", "vsd.tRange"),
                                 ("sjc.emptinessWeight=-1", "sjc.emptinessWeight"), ("sjc.emptinessRampStart=2", "sjc.emptinessRampStart"),
                                 ("sjc.centreDepthWeight=-10", "sjc.centreDepthWeight"), ("sjc.samples=0", "sjc.samples"),
                                 ("supersampling=0", "supersampling"), ("meshClosingRadius=-0.1", "meshClosingRadius")] {
            let c = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: [override])
            do {
                try c.validate()
                Issue.record("\(override) was accepted")
            } catch {
                #expect(error.description.hasPrefix(path + ":") && error.description.contains("hint:"), "\(error)")
            }
        }
        #expect(throws: Never.self) { try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: ["method=vsd"]).validate() }
    }

    @Test func everyShippedRecipeResolvesAndTheDefaultRecipeIsTheDefaults() throws {
        let scenes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scenes")
        let recipes = try FileManager.default.contentsOfDirectory(at: scenes, includingPropertiesForKeys: nil).filter { $0.pathExtension == "yaml" }
        #expect(recipes.count >= 2)
        for url in recipes {
            let c = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: url, overrides: [])
            try c.validate()
            #expect(url.lastPathComponent == "\(c.method).yaml" || !TrainingConfiguration.methods.contains(url.deletingPathExtension().lastPathComponent))
        }
        let sds = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: scenes.appendingPathComponent("sds.yaml"), overrides: [])
        #expect(sds == TrainingConfiguration())      // the documented default recipe is what runs without --config
    }
}
