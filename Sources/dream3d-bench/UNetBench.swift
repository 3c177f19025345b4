// UNetBench.swift — the U-Net forward against diffusers on PyTorch CPU (DESIGN.md §7: ratio < 1). Same
// configuration as Tests/Fixtures/bench_unet_torch.py: the SD-2.x-like fixture config (unet_sd2/config.json),
// random weights, batch 2, 4×64×64, 77 context tokens, class labels [2, 6], no graph, best of 5; then the same
// batch forward and backward (best of 3).
import Foundation
import Dream3DCore
import Dream3DModels

/// Prints the U-Net forward time and its ratio to PyTorch's (Fixtures/unet_sd2_bench_torch.json).
func benchUNet() {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Dream3DModelsTests/Fixtures")
    guard let data = FileManager.default.contents(atPath: fixtures.appendingPathComponent("unet_sd2/config.json").path),
          let config = try? JSONDecoder().decode(UNet2DConditionConfiguration.self, from: data),
          let unet = try? UNet2DConditionModel(config) else {
        print("unet: cannot read \(fixtures.path)/unet_sd2/config.json — skipped")
        return
    }
    var generator = SeededGenerator(seed: 0)
    for (_, p) in unet.namedParameters() { p.scalars = generator.normals(p.count).map { $0 * 0.05 } }
    let sample = Tensor.normal([2, 4, 64, 64], using: &generator)
    let context = Tensor.normal([2, 77, config.crossAttentionDim], using: &generator)
    let labels = Tensor.normal([2, config.projectionClassEmbeddingsInputDim ?? 6], using: &generator)
    let seconds = bestTime {
        _ = withoutGrad { unet(sample, timesteps: [500], encoderHiddenStates: context, classLabels: config.classEmbedType == nil ? nil : labels) }
    }
    let torchURL = fixtures.appendingPathComponent("unet_sd2_bench_torch.json")
    let torch = (FileManager.default.contents(atPath: torchURL.path)
        .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] })?["seconds"] as? Double
    let figure = String(format: "%.1f ms", seconds * 1000)
    if let torch {
        report("unet forward SD-2.x-like ×2 64² (fixture cfg)", figure, ratio: seconds / torch,
               to: String(format: "PyTorch %.1f ms (budget < 1)", torch * 1000))
    } else {
        print("unet forward SD-2.x-like ×2 64²: \(figure) (no PyTorch figure: run Tests/Fixtures/bench_unet_torch.py)")
    }
    // Training throughput (the built-in prior and VSD's LoRA train through this): the graph recorded and a
    // random output gradient propagated into every parameter. No PyTorch figure for it yet.
    let seed = generator.normals(sample.count)
    let training = bestTime(runs: 3) {
        for (_, p) in unet.namedParameters() { p.zeroGrad() }
        unet(sample, timesteps: [500], encoderHiddenStates: context, classLabels: config.classEmbedType == nil ? nil : labels)
            .backward(seed: seed)
    }
    print("unet forward+backward SD-2.x-like ×2 64²".padding(toLength: 56, withPad: " ", startingAt: 0)
          + String(format: " %.1f ms", training * 1000))
}
