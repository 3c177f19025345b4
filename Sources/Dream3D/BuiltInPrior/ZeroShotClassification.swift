// ZeroShotClassification.swift — the built-in prior as a zero-shot classifier (Li et al. 2023, "Your
// Diffusion Model is Secretly a Zero-Shot Classifier", Algorithm 1): an image x₀ is noised at a few
// timesteps, each candidate caption c scores the mean error ‖ε − ε̂(α_t x₀ + σ_t ε, t, c)‖², and the
// family whose caption scores lowest is the prediction. Every candidate sees the same timesteps and the
// same noise, so only the caption differs between their errors: the paper's variance reduction, without
// which the noise draw decides more than the caption does.
// Differs from the paper: a fixed handful of timesteps and one noise draw per timestep (no adaptive
// pruning of candidates); ε-error whatever the prediction type (for v-prediction ε̂ − ε = α_t (v̂ − v),
// so this is the v-error weighted by ᾱ_t).
import Dream3DCore
import Dream3DScene
import Dream3DShapes

/// Zero-shot classification of held-out renders into the library's families.
public struct ZeroShotResult: Sendable {
    public var timesteps: [Int]
    /// The true family of each image.
    public var labels: [Int]
    /// errors[image][timestep][family]: mean squared ε error.
    public var errors: [[[Float]]]
    /// The family with the lowest error averaged over the timesteps, per image.
    public var predictions: [Int] { errors.map { perTimestep in lowestIndex(meanOverTimesteps(perTimestep)) } }
    /// Fraction of images whose prediction is the true family.
    public var accuracy: Float { Self.fraction(zip(predictions, labels).filter { $0 == $1 }.count, of: labels.count) }
    /// Accuracy when only the k-th timestep's errors decide.
    public func accuracy(timestepIndex k: Int) -> Float {
        Self.fraction(zip(errors, labels).filter { lowestIndex($0.0[k]) == $0.1 }.count, of: labels.count)
    }

    private static func fraction(_ hits: Int, of count: Int) -> Float { count == 0 ? 0 : Float(hits) / Float(count) }
    private func meanOverTimesteps(_ perTimestep: [[Float]]) -> [Float] {
        perTimestep.dropFirst().reduce(perTimestep[0]) { zip($0, $1).map(+) }.map { $0 / Float(perTimestep.count) }
    }
}

/// Index of the smallest error; ties go to the lowest index.
func lowestIndex(_ errors: [Float]) -> Int { errors.indices.min { errors[$0] < errors[$1] }! }

/// Classifies `count` held-out renders (dataset indices from `heldOutIndex`) among all families, with
/// prompts "a <colour> <family>" in the image's colour, or "a <family>" when `colourWords` is false.
/// 4 timesteps spread over the part of the schedule where the image is neither clean nor drowned.
public func zeroShotClassification(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int = 48,
                                   timesteps: [Int] = [200, 400, 600, 800], colourWords: Bool = true,
                                   seed: UInt64 = 0) -> ZeroShotResult {
    let c = model.configuration, s = c.imageSize, channels = c.imageChannels, families = dataset.library.families
    var errors: [[[Float]]] = [], labels: [Int] = []
    for i in 0..<count {
        // A render, or for a tiled prior a held-out multi-view group's tile.
        let views = model.configuration.tiledViews == nil ? dataset.examples((heldOutIndex + i)..<(heldOutIndex + i + 1)) : dataset.group(heldOutIndex + i)
        let example = views[0], image = views.count == 1 ? c.priorView(example) : tileViews(views.map(c.priorView))
        // Noise per image, not per run: image i is scored identically whatever `count` is.
        var generator = SeededGenerator(seed: seed).split("zero-shot classification \(i)")
        let noise = Tensor(shape: [timesteps.count, channels, s, s], scalars: generator.normals(timesteps.count * channels * s * s))
        let prompts = families.map { PromptGrammar.caption(family: $0.name, colour: colourWords ? example.colour : nil, view: nil) }
        errors.append(denoisingErrors(model, image: image, cameras: views.map(\.camera), prompts: prompts,
                                      timesteps: timesteps, noise: noise))
        labels.append(example.familyIndex)
    }
    return ZeroShotResult(timesteps: timesteps, labels: labels, errors: errors)
}

/// Mean squared ε error [timestep][prompt] of one image [C, S, S] in [0, 1] seen from `cameras` (its views), noised
/// with noise[k] [C, S, S] at timesteps[k] and denoised under each prompt. One U-Net batch of
/// prompts × timesteps; each prompt is encoded once.
public func denoisingErrors(_ model: BuiltInPriorModel, image: Tensor, cameras: [Camera], prompts: [String],
                            timesteps: [Int], noise: Tensor) -> [[Float]] {
    let s = model.configuration.imageSize, channels = model.configuration.imageChannels
    let pixels = channels * s * s, p = prompts.count, n = timesteps.count * p
    precondition(image.shape == [channels, s, s] && noise.shape == [timesteps.count, channels, s, s],
                 "image \(image.shape) and noise \(noise.shape) for \(timesteps.count) timesteps at \(s)²")
    // Row k·p + j: timestep k, prompt j.
    let rowNoise = timesteps.indices.flatMap { k in (0..<p).flatMap { _ in noise.scalars[(k * pixels)..<((k + 1) * pixels)] } }
    let z = model.noisedImages((0..<n).flatMap { _ in image.scalars }, timesteps: timesteps.flatMap { t in [Int](repeating: t, count: p) },
                               noise: rowNoise)
    let conditions = PriorConditions(captions: timesteps.flatMap { _ in prompts }, cameras: (0..<n).flatMap { _ in cameras })
    let predicted = withoutGrad {
        let text = model.encodeText(PriorConditions(captions: prompts, cameras: (0..<p).flatMap { _ in cameras }))
        return model.predictNoise(Tensor(shape: [n, channels, s, s], scalars: z), timesteps: timesteps.flatMap { t in [Int](repeating: t, count: p) },
                                  conditions: conditions, textStates: Tensor.concatenate([Tensor](repeating: text, count: timesteps.count), axis: 0))
    }
    return timesteps.indices.map { k in
        (0..<p).map { j in
            var sum: Double = 0
            for q in 0..<pixels {
                let d = Double(predicted.scalars[(k * p + j) * pixels + q] - noise.scalars[k * pixels + q])
                sum += d * d
            }
            return Float(sum / Double(pixels))
        }
    }
}
