// CLIPTests.swift — CLIPTextModel against transformers (quick_gelu and gelu configurations sharing one set
// of fixture weights), CLIPTokenizer against transformers' CLIPTokenizer on 35 prompts, WordTokenizer.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct CLIPTests {
    func ids(_ f: SafetensorsFile) throws -> [[Int]] {
        let t = try f.tensor("input_ids")
        return (0..<t.shape[0]).map { r in (0..<t.shape[1]).map { Int(t.scalars[r * t.shape[1] + $0]) } }
    }

    @Test func textModelMatchesTransformers() throws {
        let model = try CLIPTextModel(folder: fixtureURL("pipeline/text_encoder"))
        let f = try fixtureFile("clip_io.safetensors")
        expectClose(withoutGrad { model(try! ids(f)) }, try f.tensor("last_hidden_state"), atol: 1e-4, rtol: 1e-4, "last_hidden_state")
    }

    @Test func exactGELUConfigurationMatchesTransformers() throws {
        var config = try JSONDecoder().decode(CLIPTextConfiguration.self, from: Data(contentsOf: fixtureURL("pipeline/text_encoder/config.json")))
        config.hiddenAct = "gelu"
        let model = try CLIPTextModel(config)
        try model.load(fixtureFile("pipeline/text_encoder/model.safetensors"))
        let f = try fixtureFile("clip_gelu_io.safetensors")
        expectClose(withoutGrad { model(try! ids(f)) }, try f.tensor("last_hidden_state"), atol: 1e-4, rtol: 1e-4, "last_hidden_state (gelu)")
    }

    @Test func textModelLoadsTransformers4KeyNames() throws {
        // SD releases store "text_model.embeddings…": rename the fixture's keys that way and load the folder.
        let source = try fixtureFile("pipeline/text_encoder/model.safetensors")
        var renamed: [String: Tensor] = [:]
        for name in source.names { renamed["text_model." + name] = try source.tensor(name) }
        renamed["text_model.embeddings.position_ids"] = Tensor(shape: [1, 77], scalars: (0..<77).map(Float.init))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clip-v4-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: fixtureURL("pipeline/text_encoder/config.json"), to: folder.appendingPathComponent("config.json"))
        try writeSafetensors(renamed, to: folder.appendingPathComponent("model.safetensors"))
        let model = try CLIPTextModel(folder: folder)
        let f = try fixtureFile("clip_io.safetensors")
        expectClose(withoutGrad { model(try! ids(f)) }, try f.tensor("last_hidden_state"), atol: 1e-4, rtol: 1e-4, "last_hidden_state (text_model. keys)")
    }

    struct Cases: Decodable { struct Case: Decodable { let prompt: String; let ids: [Int] }; let cases: [Case] }

    @Test func tokenizerMatchesTransformersOnTrickyPrompts() throws {
        let tokenizer = try CLIPTokenizer(folder: fixtureURL("pipeline/tokenizer"))
        let cases = try JSONDecoder().decode(Cases.self, from: Data(contentsOf: fixtureURL("tokenizer_cases.json"))).cases
        #expect(cases.count >= 30)
        for c in cases {
            #expect(tokenizer(c.prompt) == c.ids, "prompt \(c.prompt.debugDescription)")
        }
    }

    @Test func wordTokenizerReportsUnknownWords() throws {
        let tokenizer = WordTokenizer(vocabulary: ["a", "red", "blue", "chair", "mushroom"], maxLength: 6)
        #expect(try tokenizer.encode("A red, CHAIR!") == [2, 3, 5, 0, 0, 0])
        #expect(tokenizer.tokenize("a green chair").ids == [2, 1, 5, 0, 0, 0])
        #expect(throws: TokenizerError.unknownWords(["green", "sofa"], vocabularySize: 7)) { try tokenizer.encode("a green sofa") }
        #expect(try tokenizer.encode("a red chair a blue mushroom a chair").count == 6)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("words-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("a\nred\n\nblue\nchair\nmushroom\n".utf8).write(to: url)
        #expect(try WordTokenizer(contentsOf: url, maxLength: 6).encode("A red, CHAIR!") == [2, 3, 5, 0, 0, 0])
    }
}
