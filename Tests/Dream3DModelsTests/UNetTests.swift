// UNetTests.swift — UNet2DConditionModel against diffusers on the two tiny fixture configurations:
// SD-1.x-like (conv proj_in/proj_out, flip_sin_to_cos false, freq_shift 1) and SD-2.x-like (linear
// projection, per-block heads, "projection" class embedding). The references (output, and the gradient
// of Σ w·output w.r.t. the sample) come from make_fixtures.py.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct UNetTests {
    func check(folder: String, io: String) throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL(folder))
        let f = try fixtureFile(io)
        let sample = try f.tensor("sample").requiringGrad()
        let classLabels = f.contains("class_labels") ? try f.tensor("class_labels") : nil
        let out = unet(sample, timesteps: try f.tensor("timestep").scalars, encoderHiddenStates: try f.tensor("encoder_hidden_states"),
                       classLabels: classLabels)
        let expected = try f.tensor("output")
        expectClose(out, expected, atol: 1e-4, rtol: 1e-4, "\(folder) output")
        out.backward(seed: try f.tensor("output_weights").scalars)
        let grad = try f.tensor("sample_grad")
        expectClose(sample.grad, grad, atol: 1e-3 * max(1, maxAbs(grad)), "\(folder) ∂(Σ w·output)/∂sample")
    }

    @Test func sd1LikeMatchesDiffusers() throws { try check(folder: "pipeline/unet", io: "unet_sd1_io.safetensors") }
    @Test func sd2LikeWithClassProjectionMatchesDiffusers() throws { try check(folder: "unet_sd2", io: "unet_sd2_io.safetensors") }
}
