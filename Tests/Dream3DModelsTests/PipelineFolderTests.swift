// PipelineFolderTests.swift — loading a diffusers pipeline folder, and one test per malformed-folder case:
// each builds a copy of the fixture pipeline in a temporary folder, breaks one thing, and checks that the
// error names the file/key/tensors at fault and carries a hint line.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct PipelineFolderTests {
    /// A fresh copy of Fixtures/pipeline; removed by the caller's defer.
    func copyOfPipeline() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtureURL("pipeline"), to: folder)
        return folder
    }

    func editJSON(_ url: URL, _ edit: (inout [String: Any]) -> Void) throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: url)
    }

    /// Loads the folder, expects a failure, returns its message.
    func failure(_ folder: URL) -> String {
        do {
            _ = try DiffusersPipeline(folder: folder)
            Issue.record("the malformed folder loaded")
            return ""
        } catch {
            #expect(error.description.contains("\nhint: "), "no hint line in: \(error)")
            return error.description
        }
    }

    @Test func wellFormedFolderLoadsAndEncodes() throws {
        let pipeline = try DiffusersPipeline(folder: fixtureURL("pipeline"))
        #expect(pipeline.vae != nil)
        #expect(pipeline.scheduler.timesteps(steps: 4) == [751, 501, 251, 1])
        let f = try fixtureFile("clip_io.safetensors")
        let expected = try f.tensor("last_hidden_state").split(axis: 0, sizes: [1, 1])[0]
        expectClose(pipeline.encode(prompt: "a teddy bear"), expected, atol: 1e-4, rtol: 1e-4, "prompt → tokenizer → text encoder")
    }

    @Test func missingModelIndex() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model_index.json"))
        #expect(failure(folder).contains("model_index.json: no such file"))
    }

    @Test func missingWeightsFile() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors"))
        #expect(failure(folder).contains("unet/diffusion_pytorch_model.safetensors: no such file"))
    }

    @Test func malformedConfigJSON() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try Data("{\"in_channels\": 4,".utf8).write(to: folder.appendingPathComponent("vae/config.json"))
        #expect(failure(folder).contains("vae/config.json: cannot read the JSON"))
    }

    @Test func missingConfigKey() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try editJSON(folder.appendingPathComponent("unet/config.json")) { $0["block_out_channels"] = nil }
        #expect(failure(folder).contains("unet/config.json: block_out_channels: missing"))
    }

    @Test func unsupportedConfigValueIsNamed() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try editJSON(folder.appendingPathComponent("unet/config.json")) { $0["class_embed_type"] = "timestep" }
        let message = failure(folder)
        #expect(message.contains("unet/config.json: class_embed_type = timestep is not supported"))
        #expect(message.contains("null, projection"))
    }

    @Test func unsupportedSchedulerConfig() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try editJSON(folder.appendingPathComponent("scheduler/scheduler_config.json")) { $0["beta_schedule"] = "sigmoid" }
        #expect(failure(folder).contains("scheduler_config.json: beta_schedule = sigmoid is not supported"))
    }

    @Test func unsupportedComponentClass() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try editJSON(folder.appendingPathComponent("model_index.json")) { $0["unet"] = ["diffusers", "UNet2DModel"] }
        #expect(failure(folder).contains("model_index.json: unet = UNet2DModel is not supported"))
    }

    @Test func missingAndUnexpectedTensorsAreListed() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        var tensors: [String: Tensor] = [:]
        for name in file.names where name != "conv_in.bias" && name != "mid_block.resnets.1.conv2.weight" { tensors[name] = try file.tensor(name) }
        tensors["conv_in.extra"] = Tensor(zeros: [3])
        try writeSafetensors(tensors, dtype: .f16, to: url)
        let message = failure(folder)
        #expect(message.contains("missing tensors: conv_in.bias, mid_block.resnets.1.conv2.weight"), "\(message)")
        #expect(message.contains("unexpected tensors: conv_in.extra"), "\(message)")
    }

    @Test func shapeMismatchesAreListed() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try editJSON(folder.appendingPathComponent("unet/config.json")) { $0["cross_attention_dim"] = 48 }
        let message = failure(folder)
        #expect(message.contains("shape mismatch: down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight is [32, 32] in the file, the model wants [32, 48]"), "\(message)")
    }

    @Test func float32WeightsLoadLikeFloat16() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        let file = try SafetensorsFile(contentsOf: url)
        #expect(file.dtype(of: "conv_in.weight") == .f16)
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.tensor(name) }
        try writeSafetensors(tensors, dtype: .f32, to: url)
        let unet = try UNet2DConditionModel(folder: folder.appendingPathComponent("unet"))
        let f = try fixtureFile("unet_sd1_io.safetensors")
        let out = withoutGrad { unet(try! f.tensor("sample"), timesteps: try! f.tensor("timestep").scalars, encoderHiddenStates: try! f.tensor("encoder_hidden_states")) }
        expectClose(out, try f.tensor("output"), atol: 1e-4, rtol: 1e-4, "U-Net from F32 weights")
    }

    @Test func brokenTokenizerFiles() throws {
        let folder = try copyOfPipeline(); defer { try? FileManager.default.removeItem(at: folder) }
        try Data("#version: 0.2\nonly-one-symbol\n".utf8).write(to: folder.appendingPathComponent("tokenizer/merges.txt"))
        #expect(failure(folder).contains("merges.txt: line 2 is not two symbols"))
    }
}
