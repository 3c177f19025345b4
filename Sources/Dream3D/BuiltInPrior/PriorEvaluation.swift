// PriorEvaluation.swift — what the built-in prior has learnt, measured on held-out renders (dataset
// indices far beyond any training run's). The probe's prior ignored its camera (DESIGN.md §9), so the
// first figure is camera sensitivity: the denoising error with the true camera against the same
// images and noise with the camera turned 90° and 180° about the up axis. A prior that uses the camera
// has a clearly lower error with the true one. Distillation also names the view in words (", side
// view"), so the same figure is measured for the caption's view phrase with the camera kept. The second is the training objective on the same
// held-out renders, to set beside loss.jsonl's: a gap between them is overfitting. Zero-shot
// classification, the third, is ZeroShotClassification.swift.
import Dream3DCore
import Dream3DScene
import Dream3DShapes

/// Mean ε-prediction error on held-out renders under the true and turned cameras (or view phrases),
/// per timestep.
/// The relative margin at one timestep is the same in ε and in x̂₀ (x̂₀ − x₀ = −(σ_t/α_t)(ε̂ − ε)), but
/// an average of raw ε errors over timesteps hides the high ones, where x_t shows little of the image
/// and the camera matters most to SDS; margins are therefore averaged per timestep, not errors.
public struct ConditionSensitivity: Sendable {
    public var timesteps: [Int]
    public var unturned: [Float]
    public var turned90: [Float]
    public var turned180: [Float]
    /// (turned − true) / true at each timestep.
    public var margins90: [Float] { zip(turned90, unturned).map { ($0 - $1) / $1 } }
    public var margins180: [Float] { zip(turned180, unturned).map { ($0 - $1) / $1 } }
    /// The mean of the per-timestep margins: the figure issue 9 asks for.
    public var margin90: Float { margins90.reduce(0, +) / Float(timesteps.count) }
    public var margin180: Float { margins180.reduce(0, +) / Float(timesteps.count) }
}

/// First dataset index used for evaluation: training runs read indices from 0 upward.
public let heldOutIndex = 1 << 40

/// What a sensitivity measurement turns: the camera (ray maps and class labels), or the view phrase of
/// the caption with the camera kept (captions then always carry the true view's phrase).
public enum TurnedCondition: Sendable { case camera, viewPhrase }

/// `families` (indices into the library) restricts the held-out renders to those families: a surface of
/// revolution looks the same from every azimuth, so only families whose silhouette turns can show
/// whether the prior reads the camera. `channels` restricts the error to those image channels (3..<4: the
/// opacity channel, where the silhouette is all of the image).
public func conditionSensitivity(_ model: BuiltInPriorModel, dataset: DatasetRenderer, turning condition: TurnedCondition = .camera,
                              count: Int = 64, families: Set<Int>? = nil, timesteps: [Int] = [200, 500, 800, 950],
                              channels: Range<Int>? = nil, seed: UInt64 = 0) -> ConditionSensitivity {
    precondition(model.configuration.tiledViews == nil, "a tiled prior's views are measured by multiViewSensitivity")
    let examples = dataset.render(heldOutSetups(dataset, count: count, families: families))
    let c = model.configuration, size = c.imageSize, pixels = c.imageChannels * size * size
    let families = dataset.library.families
    var generator = SeededGenerator(seed: seed).split("camera sensitivity")
    var errors = [[Float]](repeating: [], count: 3)
    for t in timesteps {
        let noise = generator.normals(count * pixels)
        let z = Tensor(shape: [count, c.imageChannels, size, size], scalars: model.noisedImages(c.images(examples),
                                                                                  timesteps: [Int](repeating: t, count: count), noise: noise))
        for (k, turn) in [Float(0), 90, 180].enumerated() {
            let turned = examples.map { $0.camera.withSize(size).turned(by: turn) }
            let conditions: PriorConditions
            switch condition {
            case .camera:
                conditions = PriorConditions(captions: examples.map(\.caption), cameras: turned)
            case .viewPhrase:
                let captions = zip(examples, turned).map { e, camera in
                    PromptGrammar.caption(family: families[e.familyIndex].name, colour: e.colour, view: camera.viewLabel)
                }
                conditions = PriorConditions(captions: captions, cameras: examples.map(\.camera))
            }
            let predicted = withoutGrad { model.predictNoise(z, timesteps: [Int](repeating: t, count: count), conditions: conditions) }
            let plane = size * size, measured = channels ?? 0..<c.imageChannels
            var error: Double = 0
            for image in 0..<count {
                for i in (image * pixels + measured.lowerBound * plane)..<(image * pixels + measured.upperBound * plane) {
                    let d = Double(predicted.scalars[i] - noise[i]); error += d * d
                }
            }
            errors[k].append(Float(error / Double(count * measured.count * plane)))
        }
    }
    return ConditionSensitivity(timesteps: timesteps, unturned: errors[0], turned90: errors[1], turned180: errors[2])
}

/// The first `count` held-out setups, of `families` only when given.
func heldOutSetups(_ dataset: DatasetRenderer, count: Int, families: Set<Int>? = nil) -> [DatasetRenderer.Setup] {
    var setups: [DatasetRenderer.Setup] = [], index = heldOutIndex
    while setups.count < count {
        let setup = dataset.setup(index)
        if families?.contains(setup.familyIndex) ?? true { setups.append(setup) }
        index += 1
    }
    return setups
}

/// The first `count` held-out multi-view groups' setups, of `families` only when given (a group draws
/// its own instance: its family is not that of the single example at the same index).
func heldOutGroupSetups(_ dataset: DatasetRenderer, count: Int, families: Set<Int>? = nil) -> [[DatasetRenderer.Setup]] {
    var groups: [[DatasetRenderer.Setup]] = [], index = heldOutIndex
    while groups.count < count {
        let group = dataset.groupSetups(index)
        if families?.contains(group[0].familyIndex) ?? true { groups.append(group) }
        index += 1
    }
    return groups
}

/// The training objective (BuiltInPriorModel.weightedLoss)
/// on `count` held-out renders under all their conditions, at timesteps spread evenly over the schedule.
/// Comparable with loss.jsonl, whose batches also drop conditions 15% of the time.
public func heldOutLoss(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int = 64, seed: UInt64 = 0) -> Float {
    let (images, conditions) = heldOutImages(model, dataset: dataset, count: count)
    let steps = model.schedule.count
    let t = (0..<count).map { i in (2 * i + 1) * steps / (2 * count) }
    var generator = SeededGenerator(seed: seed).split("held-out loss")
    let noise = generator.normals(images.count)
    return withoutGrad { model.weightedLoss(images, timesteps: t, noise: noise, conditions: conditions).item }
}

/// The first `count` held-out images as the model sees them (flat [N, C, S, S]), with their conditions:
/// single renders, or for a tiled prior held-out multi-view groups, tiled.
func heldOutImages(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int) -> (images: [Float], conditions: PriorConditions) {
    guard model.configuration.tiledViews != nil else {
        let examples = dataset.examples(heldOutIndex..<(heldOutIndex + count))
        return (model.configuration.images(examples), PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera)))
    }
    let groups = dataset.groups(heldOutIndex..<(heldOutIndex + count))
    return (model.configuration.tiledImages(groups), PriorConditions(groups: groups))
}

extension PriorTrainer {
    /// Copies the EMA weights into the model (what evaluation and shipping use).
    public func loadEMAWeights() {
        for (name, p) in model.namedParameters { p.scalars = ema[name]! }
    }
}
