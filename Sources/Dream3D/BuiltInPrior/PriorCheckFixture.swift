// PriorCheckFixture.swift — a fixed input for the built-in prior and dream3d's answer to it, written for
// scripts/check_prior_diffusers.py, which feeds the same input to diffusers and transformers and compares.
// Also the input on which `exportBuiltInPrior` measures what F16 weights change. Four held-out renders (tiles for a tiled prior)
// at timesteps from nearly clean to nearly pure noise; the third drops text and camera, the fourth the
// camera alone, so the unconditional paths (empty caption, zero ray maps and class labels) are checked too.
import Dream3DCore
import Dream3DModels
import Dream3DShapes
import Foundation

/// Noisy images, their timesteps and conditions.
public struct PriorCheckInput {
    public var z: Tensor
    public var timesteps: [Int]
    public var conditions: PriorConditions
}

public func priorCheckInput(_ model: BuiltInPriorModel, dataset: DatasetRenderer, timesteps: [Int] = [50, 300, 600, 950],
                            seed: UInt64 = 0) -> PriorCheckInput {
    let imageSize = model.configuration.imageSize, n = timesteps.count, pixels = model.configuration.imageChannels * imageSize * imageSize
    let (images, held) = heldOutImages(model, dataset: dataset, count: n)
    var generator = SeededGenerator(seed: seed).split("prior check input")
    let z = model.noisedImages(images, timesteps: timesteps, noise: generator.normals(n * pixels))
    let keepText = (0..<n).map { $0 != 2 }, keepCamera = (0..<n).map { $0 < 2 }
    return PriorCheckInput(z: Tensor(shape: [n, model.configuration.imageChannels, imageSize, imageSize], scalars: z), timesteps: timesteps,
                           conditions: PriorConditions(captions: held.captions, cameras: held.cameras, keepText: keepText, keepCamera: keepCamera))
}

/// Writes the U-Net's and text encoder's inputs exactly as `model` builds them, with its outputs:
/// sample [N, in, S, S], timestep [N], class_labels [N, 6], input_ids [N, L] (as floats),
/// encoder_hidden_states [N, L, hidden] and unet_output [N, C, S, S] (v̂ or ε̂ as the scheduler says);
/// the captions (empty where dropped) as JSON in the metadata.
public func writePriorCheckFixture(_ model: BuiltInPriorModel, input: PriorCheckInput, to url: URL) throws {
    let c = input.conditions, n = input.timesteps.count
    let ids = model.tokenIDs(c), text = withoutGrad { model.encodeText(c) }
    let output = withoutGrad { model(input.z, timesteps: input.timesteps, conditions: c, textStates: text) }
    let captions = c.captions.indices.map { c.keepText[$0] ? c.captions[$0] : "" }
    try writeSafetensors([
        "sample": model.unetInput(input.z, conditions: c),
        "timestep": Tensor(shape: [n], scalars: input.timesteps.map(Float.init)),
        "class_labels": model.classLabels(c),
        "input_ids": Tensor(shape: [n, ids[0].count], scalars: ids.flatMap { $0.map(Float.init) }),
        "encoder_hidden_states": text,
        "unet_output": output,
    ], metadata: ["captions": String(decoding: try JSONEncoder().encode(captions), as: UTF8.self),
                  "prediction_type": model.configuration.scheduler.predictionType], to: url)
}
