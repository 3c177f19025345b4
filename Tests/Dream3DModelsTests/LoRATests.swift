// LoRATests.swift — LoRA adapters on the SD-1.x-like fixture U-Net: a peft adapter saved by diffusers'
// save_lora_weights loads and reproduces peft's output; a fresh adapter changes nothing; a few Adam steps
// on the adapters alone lower a denoising loss; save → load gives the same model.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct LoRATests {
    func inputs() throws -> (sample: Tensor, t: [Float], context: Tensor) {
        let f = try fixtureFile("unet_sd1_io.safetensors")
        return (try f.tensor("sample"), try f.tensor("timestep").scalars, try f.tensor("encoder_hidden_states"))
    }

    @Test func diffusersLoRAFileReproducesPeftOutput() throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        try unet.loadLoRA(fixtureFile("lora/pytorch_lora_weights.safetensors"))
        #expect(unet.namedLinears().filter { $0.1.lora != nil }.count == 32)
        #expect(unet.namedLinears().first { $0.1.lora != nil }?.1.lora?.scale == 2)      // lora_alpha 8 / r 4 from the metadata
        let (x, t, c) = try inputs()
        expectClose(withoutGrad { unet(x, timesteps: t, encoderHiddenStates: c) }, try fixtureFile("unet_sd1_lora_io.safetensors").tensor("output"),
                    atol: 1e-4, rtol: 1e-4, "U-Net with peft LoRA")
    }

    @Test func zeroInitialisedLoRALeavesOutputUnchanged() throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        let (x, t, c) = try inputs()
        let before = withoutGrad { unet(x, timesteps: t, encoderHiddenStates: c) }
        var g = SeededGenerator(seed: 9)
        let trainable = unet.addLoRA(LoRAConfiguration(rank: 4, alpha: 4), using: &g)
        #expect(trainable.count == 64)
        #expect(trainable.contains { $0.scalars.contains { $0 != 0 } })                 // lora_A is random, lora_B zero
        let after = withoutGrad { unet(x, timesteps: t, encoderHiddenStates: c) }
        #expect(after.scalars == before.scalars)
    }

    @Test func fewAdamStepsOnLoRAReduceDenoisingLoss() throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        let base = unet.allParameters.map { $0.scalars }
        var g = SeededGenerator(seed: 11)
        let trainable = unet.addLoRA(LoRAConfiguration(rank: 4, alpha: 4), using: &g)
        let schedule = NoiseSchedule(try DDIMScheduler(folder: fixtureURL("pipeline/scheduler")).configuration)
        let (x0, _, c) = try inputs()
        let noise = Tensor.normal(x0.shape, using: &g), t = 500
        let z = schedule.addNoise(x0, noise: noise, t: t)
        let adam = Adam(groups: [ParameterGroup(name: "lora", parameters: trainable, learningRate: 1e-2)])
        var losses: [Float] = []
        for _ in 0..<8 {
            adam.zeroGrad()
            let loss = Tensor.mseLoss(unet(z, timesteps: [Float(t)], encoderHiddenStates: c), noise)
            losses.append(loss.item)
            loss.backward()
            adam.step()
        }
        #expect(losses.last! < 0.9 * losses.first! && zip(losses, losses.dropFirst()).allSatisfy { $1 < $0 }, "denoising losses \(losses)")
        #expect(unet.allParameters.map { $0.scalars } == base, "base weights must stay frozen")
    }

    @Test func saveThenLoadRoundTrips() throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        var g = SeededGenerator(seed: 12)
        unet.addLoRA(LoRAConfiguration(rank: 2, alpha: 6), using: &g)
        for (_, linear) in unet.namedLinears() { if let lora = linear.lora { lora.up.weight.scalars = g.uniforms(lora.up.weight.count, in: -0.1...0.1) } }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lora-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try unet.saveLoRA(to: url)
        let file = try SafetensorsFile(contentsOf: url)
        #expect(Set(file.names) == Set(try fixtureFile("lora/pytorch_lora_weights.safetensors").names), "diffusers' key layout")
        let fresh = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        try fresh.loadLoRA(file)
        let (x, t, c) = try inputs()
        let a = withoutGrad { unet(x, timesteps: t, encoderHiddenStates: c) }, b = withoutGrad { fresh(x, timesteps: t, encoderHiddenStates: c) }
        #expect(a.scalars == b.scalars)
        #expect(fresh.namedLinears().first { $0.1.lora != nil }?.1.lora?.scale == 3)
    }

    @Test func loRAFileForAnotherModelIsRejectedWithNames() throws {
        // the SD-2.x-like U-Net's up_blocks.1 works at 64 channels where the SD-1.x-like one (the file's) has 32
        let unet = try UNet2DConditionModel(folder: fixtureURL("unet_sd2"))
        let file = try fixtureFile("lora/pytorch_lora_weights.safetensors")
        do {
            try unet.loadLoRA(file)
            Issue.record("a LoRA for another architecture loaded")
        } catch {
            #expect(error.description.contains("shape mismatch: unet.up_blocks.1.attentions.0.transformer_blocks.0.attn1.to_"), "\(error)")
        }
    }
}
