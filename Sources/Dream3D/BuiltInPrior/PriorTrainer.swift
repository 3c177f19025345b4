// PriorTrainer.swift — trains the built-in prior on the procedural dataset (issue 6): v- or ε-prediction
// with SNR-based loss weights (see weightedLoss; SNR = ᾱ/(1 − ᾱ)),
// AdamW, an exponential moving average of the weights (the EMA is what ships), and condition dropout
// for classifier-free guidance. Batch k is dataset examples k·B ..< (k+1)·B, so a seed fixes the data,
// the noise and the dropout: the loss curve repeats bit for bit.
import Dream3DCore
import Dream3DModels
import Dream3DShapes

public final class PriorTrainer {
    public let model: BuiltInPriorModel
    public let dataset: DatasetRenderer
    public let optimizer: Adam
    /// EMA copies of every parameter, by name.
    public internal(set) var ema: [String: [Float]]
    public internal(set) var step = 0
    var noiseStream: SeededGenerator

    public init(model: BuiltInPriorModel, dataset: DatasetRenderer, seed: UInt64) {
        self.model = model
        self.dataset = dataset
        let c = model.configuration
        for (name, p) in model.namedParameters { p.name = name }
        // The class embedding is the camera numbers' path; it may learn faster (cameraEmbeddingLearningRateScale).
        let isCamera = { (name: String) in c.cameraEmbeddingLearningRateScale != nil && name.hasPrefix("unet.class_embedding.") }
        let camera = model.namedParameters.filter { isCamera($0.0) }.map(\.1), rest = model.namedParameters.filter { !isCamera($0.0) }.map(\.1)
        optimizer = Adam.adamW(groups: [ParameterGroup(name: "prior", parameters: rest, learningRate: c.learningRate, weightDecay: c.weightDecay)]
            + (camera.isEmpty ? [] : [ParameterGroup(name: "camera embedding", parameters: camera,
                                                    learningRate: c.learningRate * c.cameraEmbeddingLearningRateScale!, weightDecay: c.weightDecay)]))
        ema = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.0, $0.1.scalars) })
        noiseStream = SeededGenerator(seed: seed).split("prior training")
    }

    /// One training batch: examples with their timesteps, noise and condition dropout.
    struct Batch {
        /// The rendered views (for a tiled prior, V per image).
        var examples: [DatasetExample]
        /// The images the U-Net learns on, flat [N, C, S, S] in [0, 1]: the views, or their tiles.
        var images: [Float]
        var timesteps: [Int]
        var noise: [Float]
        var conditions: PriorConditions
        /// Per image: its first view is given clean (cleanFirstViewShare); nil: none is.
        var cleanFirstView: [Bool]? = nil
    }

    /// The next batch's examples and draws. Draws are made per group of `sharedNoiseViews` views of one
    /// instance, which share them (a group is one example by default); a tiled prior's image is one
    /// multi-view group, tiled.
    func nextBatch() -> Batch {
        let c = model.configuration, b = c.batchSize
        if c.tiledViews != nil { return nextTiledBatch() }
        let views = c.sharedNoiseViews ?? 1, groups = b / views
        precondition(groups * views == b && views == (c.sharedNoiseViews == nil ? 1 : dataset.settings.groupViews),
                     "batch \(b) in groups of \(views) views (the dataset's groups have \(dataset.settings.groupViews))")
        let examples = c.sharedNoiseViews == nil ? dataset.examples((step * b)..<((step + 1) * b))
                                                  : dataset.groups((step * groups)..<((step + 1) * groups)).flatMap { $0 }
        let pixels = c.imageChannels * c.imageSize * c.imageSize
        func perExample<T>(_ perGroup: [T]) -> [T] { perGroup.flatMap { [T](repeating: $0, count: views) } }
        let t = perExample(drawTimesteps(groups))
        let groupNoise = noiseStream.normals(groups * pixels)
        let noise = views == 1 ? groupNoise : (0..<b).flatMap { i in groupNoise[(i / views * pixels)..<((i / views + 1) * pixels)] }
        let (keepText, keepCamera) = drawDropout(groups)
        let conditions = PriorConditions(captions: examples.map(\.caption), cameras: examples.map(\.camera),
                                         keepText: perExample(keepText), keepCamera: perExample(keepCamera))
        return Batch(examples: examples, images: c.images(examples), timesteps: t, noise: noise, conditions: conditions)
    }

    /// A tiled prior's batch: groups k·B ..< (k+1)·B, each tiled into one image captioned as its view 0.
    private func nextTiledBatch() -> Batch {
        let c = model.configuration, b = c.batchSize
        precondition(dataset.settings.groupViews == c.viewsPerImage && dataset.settings.imageSize == c.viewSize,
                     "a tiled prior needs groups of \(c.viewsPerImage) views of \(c.viewSize)²")
        let groups = dataset.groups((step * b)..<((step + 1) * b))
        let images = c.tiledImages(groups)
        let t = drawTimesteps(b), noise = noiseStream.normals(images.count)
        let (keepText, keepCamera) = drawDropout(b)
        let conditions = PriorConditions(groups: groups, keepText: keepText, keepCamera: keepCamera)
        let clean = c.cleanFirstViewShare.map { share in (0..<b).map { _ in noiseStream.uniform() < share } }
        return Batch(examples: groups.flatMap { $0 }, images: images, timesteps: t, noise: noise, conditions: conditions, cleanFirstView: clean)
    }

    /// `count` timesteps: uniform, or `highNoiseShare` of them from `highNoise`.
    private func drawTimesteps(_ count: Int) -> [Int] {
        let c = model.configuration, steps = model.schedule.count
        return (0..<count).map { _ in
            guard let share = c.highNoiseShare, noiseStream.uniform() < share else { return Int(noiseStream.next() % UInt64(steps)) }
            return c.highNoise.lowerBound + Int(noiseStream.next() % UInt64(c.highNoise.count))
        }
    }

    /// Condition dropout for `count` draws: both conditions with p_both, else the text alone with p_text.
    private func drawDropout(_ count: Int) -> (keepText: [Bool], keepCamera: [Bool]) {
        let c = model.configuration
        var keepText = [Bool](repeating: true, count: count), keepCamera = [Bool](repeating: true, count: count)
        for i in 0..<count {
            let u = noiseStream.uniform()
            if u < c.dropBothProbability { keepText[i] = false; keepCamera[i] = false } else if u < c.dropBothProbability + c.dropTextProbability { keepText[i] = false }
        }
        return (keepText, keepCamera)
    }

    /// One step on the next batch; returns the weighted loss.
    @discardableResult
    public func trainStep() -> Float {
        let batch = nextBatch()
        optimizer.zeroGrad()
        let loss = model.weightedLoss(batch.images, timesteps: batch.timesteps, noise: batch.noise, conditions: batch.conditions,
                                      cleanFirstView: batch.cleanFirstView)
        let value = loss.item
        loss.backward()
        optimizer.step()
        updateEMA()
        step += 1
        return value
    }

    /// ema ← d·ema + (1 − d)·θ for every parameter.
    private func updateEMA() {
        let d = model.configuration.emaDecay
        for (name, p) in model.namedParameters {
            ema[name]!.withUnsafeMutableBufferPointer { e in
                p.scalars.withUnsafeBufferPointer { v in for i in 0..<e.count { e[i] = d * e[i] + (1 - d) * v[i] } }
            }
        }
    }
}

extension BuiltInPriorModel {
    /// The training objective on `images` (flat [N, C, S, S] in [0, 1], C = imageChannels, one timestep each) noised with `noise` at timesteps `t` (one per example):
    /// Σ_i w_i · mean_j (output − target)², averaged over the batch. The target is ε, or v = α ε − σ x₀
    /// (Salimans & Ho 2022) per the scheduler's prediction type. Weights are chosen in x₀ space, where
    /// ‖ε̂ − ε‖² = SNR·‖x̂₀ − x₀‖² and ‖v̂ − v‖² = (SNR + 1)·‖x̂₀ − x₀‖². For ε targets: min-SNR-γ (Hang
    /// et al. 2023), x₀ weight min(SNR, γ). For v targets: x₀ weight clamp(SNR, 1, γ), i.e. Salimans &
    /// Ho's truncated-SNR weighting max(SNR, 1) capped at γ like min-SNR (see `lossWeight`).
    /// `cleanFirstView` (tiles only): per image, its first view enters clean, x₀ instead of z_t, and leaves
    /// the loss; the other three views' weights are scaled by 4/3 so an image weighs the same either way.
    public func weightedLoss(_ images: [Float], timesteps t: [Int], noise: [Float], conditions: PriorConditions,
                             cleanFirstView: [Bool]? = nil) -> Tensor {
        let c = configuration, b = t.count, size = c.imageSize, pixels = c.imageChannels * size * size
        precondition(images.count == b * pixels, "\(images.count) values for \(b) images of \(pixels)")
        let noisy = noisedImages(images, timesteps: t, noise: noise, cleanFirstView: cleanFirstView)
        let target = trainingTargets(images, timesteps: t, noise: noise)
        let shape = [b, c.imageChannels, size, size]
        let perImage = t.map { lossWeight(timestep: $0) / Float(b * pixels) }
        guard let clean = cleanFirstView, clean.contains(true) else {
            let output = self(Tensor(shape: shape, scalars: noisy), timesteps: t, conditions: conditions)
            return ((output - Tensor(shape: shape, scalars: target)).square() * Tensor(shape: [b, 1, 1, 1], scalars: perImage)).sum()
        }
        precondition(c.tiledViews != nil && clean.count == b, "a clean first view needs a tiled prior and one flag per image")
        let plane = firstViewIndices(tileShape: [1, 1, size, size])
        var weights = [Float](repeating: 0, count: b * size * size)
        for i in 0..<b {
            let w = clean[i] ? perImage[i] * 4 / 3 : perImage[i]
            for j in 0..<(size * size) { weights[i * size * size + j] = w }
            if clean[i] { for j in plane { weights[i * size * size + j] = 0 } }
        }
        let output = self(Tensor(shape: shape, scalars: noisy), timesteps: t, conditions: conditions)
        return ((output - Tensor(shape: shape, scalars: target)).square() * Tensor(shape: [b, 1, size, size], scalars: weights)).sum()
    }

    /// z_t = α_t·x₀ + σ_t·ε per image, x₀ = 2x − 1 for images x in [0, 1] (flat, N images of C·S·S), one
    /// timestep per image and noise ε the size of `images`. Tiles flagged in `cleanFirstView` keep their
    /// first view at x₀ (BuiltInPriorConfiguration.cleanFirstViewShare).
    func noisedImages(_ images: [Float], timesteps t: [Int], noise: [Float], cleanFirstView: [Bool]? = nil) -> [Float] {
        let pixels = images.count / t.count
        var z = images.indices.map { j in
            let ti = t[j / pixels]
            return schedule.alpha(ti) * (2 * images[j] - 1) + schedule.sigma(ti) * noise[j]
        }
        guard let clean = cleanFirstView, clean.contains(true) else { return z }
        let quarter = firstViewIndices(tileShape: [1, configuration.imageChannels, configuration.imageSize, configuration.imageSize])
        for i in clean.indices where clean[i] { for j in quarter { z[i * pixels + j] = 2 * images[i * pixels + j] - 1 } }
        return z
    }

    /// What the U-Net learns to output for images x in [0, 1] (flat, one timestep per image) noised with
    /// `noise`: ε itself, or v = α ε − σ x₀ (Salimans & Ho 2022) for v-prediction, x₀ = 2x − 1.
    func trainingTargets(_ images: [Float], timesteps t: [Int], noise: [Float]) -> [Float] {
        guard configuration.scheduler.predictionType == "v_prediction" else { return noise }
        let pixels = images.count / t.count
        return images.indices.map { j in
            let ti = t[j / pixels]
            return schedule.alpha(ti) * noise[j] - schedule.sigma(ti) * (2 * images[j] - 1)
        }
    }

    /// The loss weight at timestep t (SNR = ᾱ/(1 − ᾱ)) for the model's own targets. Plain min-SNR for v
    /// targets, min(SNR, γ)/(SNR + 1), gives the high-noise steps a weight ~SNR (0.006 at t = 950 of the
    /// cosine schedule): in a 500-step run they stayed untrained and DDIM samples, and SDS at high t, saw
    /// noise. The floor of 1 in x₀ space trains them.
    func lossWeight(timestep t: Int) -> Float {
        let abar = schedule.alphasCumprod[t], snr = abar / max(1e-8, 1 - abar), gamma = configuration.minSNRGamma
        return configuration.scheduler.predictionType == "v_prediction" ? min(max(snr, 1), gamma) / (snr + 1) : min(snr, gamma) / max(snr, 1e-8)
    }
}
