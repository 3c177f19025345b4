// PriorEvaluation.swift — what the built-in prior has learnt, measured on held-out renders (dataset
// indices far beyond any training run's). The probe's prior ignored its camera (DESIGN.md §9), so the
// first figure is camera sensitivity: the denoising error with the true camera against the same
// images and noise with the camera turned 90° and 180° about the up axis. A prior that uses the camera
// has a clearly lower error with the true one. The second is the training objective on the same
// held-out renders, to set beside loss.jsonl's: a gap between them is overfitting. Zero-shot
// classification, the third, is ZeroShotClassification.swift.
import Dream3DCore
import Dream3DScene
import Dream3DShapes

/// Mean ε-prediction error on held-out renders under the true and turned cameras.
public struct CameraSensitivity: Sendable {
    public var trueCamera: Float
    public var turned90: Float
    public var turned180: Float
    /// (turned − true) / true for the 90° turn: the margin issue 9 asks for.
    public var margin90: Float { (turned90 - trueCamera) / trueCamera }
    public var margin180: Float { (turned180 - trueCamera) / trueCamera }
}

/// First dataset index used for evaluation: training runs read indices from 0 upward.
public let heldOutIndex = 1 << 40

public func cameraSensitivity(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int = 64,
                              timesteps: [Int] = [200, 400, 600], seed: UInt64 = 0) -> CameraSensitivity {
    let examples = dataset.examples(heldOutIndex..<(heldOutIndex + count))
    let size = model.configuration.imageSize, pixels = 3 * size * size
    var generator = SeededGenerator(seed: seed).split("camera sensitivity")
    var totals = [Double](repeating: 0, count: 3)
    for t in timesteps {
        let noise = generator.normals(count * pixels)
        let z = Tensor(shape: [count, 3, size, size], scalars: model.noisedImages(examples.flatMap(\.image.scalars),
                                                                                  timesteps: [Int](repeating: t, count: count), noise: noise))
        for (k, turn) in [Float(0), 90, 180].enumerated() {
            let cameras = examples.map { e in
                Camera(elevation: e.camera.elevation, azimuth: e.camera.azimuth + turn, distance: e.camera.distance,
                       fovy: e.camera.fovy, width: size, height: size)
            }
            let predicted = withoutGrad {
                model.predictNoise(z, timesteps: [Int](repeating: t, count: count),
                                   conditions: PriorConditions(captions: examples.map(\.caption), cameras: cameras))
            }
            var error: Double = 0
            for i in 0..<predicted.count { let d = Double(predicted.scalars[i] - noise[i]); error += d * d }
            totals[k] += error / Double(predicted.count)
        }
    }
    let n = Double(timesteps.count)
    return CameraSensitivity(trueCamera: Float(totals[0] / n), turned90: Float(totals[1] / n), turned180: Float(totals[2] / n))
}

/// The training objective (BuiltInPriorModel.weightedLoss)
/// on `count` held-out renders under all their conditions, at timesteps spread evenly over the schedule.
/// Comparable with loss.jsonl, whose batches also drop conditions 15% of the time.
public func heldOutLoss(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int = 64, seed: UInt64 = 0) -> Float {
    let examples = dataset.examples(heldOutIndex..<(heldOutIndex + count))
    let size = model.configuration.imageSize, steps = model.schedule.count
    let t = (0..<count).map { i in (2 * i + 1) * steps / (2 * count) }
    var generator = SeededGenerator(seed: seed).split("held-out loss")
    let noise = generator.normals(count * 3 * size * size)
    let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera))
    return withoutGrad { model.weightedLoss(examples, timesteps: t, noise: noise, conditions: conditions).item }
}

extension PriorTrainer {
    /// Copies the EMA weights into the model (what evaluation and shipping use).
    public func loadEMAWeights() {
        for (name, p) in model.namedParameters { p.scalars = ema[name]! }
    }
}
