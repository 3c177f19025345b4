// MultiViewEvaluation.swift — what a tiled (multi-view) prior has learnt about views, on held-out
// multi-view groups. The probe's tiled prior scored a tile of four copies of the front view as well as
// the true tile (DESIGN.md §9): it denoised each quarter alone. A prior that has learnt how an object's
// views differ gives the true tile a lower denoising error than the copies — the diffusion loss is a
// bound on −log p(x), so this compares how likely the prior finds each tile — and a lower one under the
// true cameras than under cameras turned 90° or 180°.
import Dream3DCore
import Dream3DScene
import Dream3DShapes

/// Mean ε-prediction errors of a tiled prior on held-out tiles, per timestep.
public struct MultiViewSensitivity: Sendable {
    public var timesteps: [Int]
    /// The true tile under its cameras.
    public var trueTile: [Float]
    /// The true tile under every camera turned 90° / 180°.
    public var turned90: [Float]
    public var turned180: [Float]
    /// A tile of four copies of view 0 under the true cameras, with the same noise.
    public var copies: [Float]
    /// The error on views 1–3 when view 0 is given clean (cleanFirstViewShare's task): of the true tile,
    /// and of the copies — a prior that draws an object's other sides from one view finds the copies
    /// far less likely.
    public var cleanFirstTrue: [Float]
    public var cleanFirstCopies: [Float]

    /// (errors − base) / base per timestep, for `errors` one of the above and `base` the true tile's
    /// errors (or, for `cleanFirstCopies`, `cleanFirstTrue`).
    public func margins(_ errors: [Float], against base: [Float]? = nil) -> [Float] { zip(errors, base ?? trueTile).map { ($0 - $1) / $1 } }
    /// The per-timestep margins' mean.
    public func margin(_ errors: [Float], against base: [Float]? = nil) -> Float {
        margins(errors, against: base).reduce(0, +) / Float(max(1, timesteps.count))
    }
}

/// `families` restricts the held-out groups to those families (see `conditionSensitivity`).
public func multiViewSensitivity(_ model: BuiltInPriorModel, dataset: DatasetRenderer, count: Int = 32, families: Set<Int>? = nil,
                                 timesteps: [Int] = [200, 500, 800, 950], seed: UInt64 = 0) -> MultiViewSensitivity {
    let c = model.configuration
    precondition(c.tiledViews != nil, "multiViewSensitivity measures a tiled prior")
    let groups = dataset.render(groups: heldOutGroupSetups(dataset, count: count, families: families))
    let conditions = PriorConditions(groups: groups), cameras = conditions.cameras
    let trueTiles = c.tiledImages(groups)
    let copiedTiles = groups.flatMap { tileViews([Tensor](repeating: c.priorView($0[0]), count: $0.count)).scalars }
    let pixels = c.imageChannels * c.imageSize * c.imageSize
    var generator = SeededGenerator(seed: seed).split("multi-view sensitivity")
    var errors = [[Float]](repeating: [], count: 6)
    let shape = [count, c.imageChannels, c.imageSize, c.imageSize], firstView = Set(firstViewIndices(tileShape: shape))
    func error(_ images: [Float], _ t: Int, _ noise: [Float], _ cameras: [Camera], cleanFirstView: Bool = false) -> Float {
        let ts = [Int](repeating: t, count: count)
        let z = model.noisedImages(images, timesteps: ts, noise: noise, cleanFirstView: [Bool](repeating: cleanFirstView, count: count))
        var seen = conditions
        seen.cameras = cameras
        let predicted = withoutGrad { model.predictNoise(Tensor(shape: shape, scalars: z), timesteps: ts, conditions: seen) }
        var sum: Double = 0, n = 0
        for i in 0..<predicted.count where !(cleanFirstView && firstView.contains(i)) {
            let d = Double(predicted.scalars[i] - noise[i]); sum += d * d; n += 1
        }
        return Float(sum / Double(n))
    }
    for t in timesteps {
        let noise = generator.normals(count * pixels)
        errors[0].append(error(trueTiles, t, noise, cameras))
        errors[1].append(error(trueTiles, t, noise, cameras.map { $0.turned(by: 90) }))
        errors[2].append(error(trueTiles, t, noise, cameras.map { $0.turned(by: 180) }))
        errors[3].append(error(copiedTiles, t, noise, cameras))
        errors[4].append(error(trueTiles, t, noise, cameras, cleanFirstView: true))
        errors[5].append(error(copiedTiles, t, noise, cameras, cleanFirstView: true))
    }
    return MultiViewSensitivity(timesteps: timesteps, trueTile: errors[0], turned90: errors[1], turned180: errors[2], copies: errors[3],
                                cleanFirstTrue: errors[4], cleanFirstCopies: errors[5])
}
