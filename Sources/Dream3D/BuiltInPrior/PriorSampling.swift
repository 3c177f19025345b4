// PriorSampling.swift — images from the built-in prior: DDIM (Song et al. 2021, eta 0) with
// classifier-free guidance ε̂ = ε̂_u + s·(ε̂_c − ε̂_u). The unconditional branch drops the text but keeps
// the camera (the probe's choice, DESIGN.md §9), so guidance amplifies the prompt without erasing the
// viewpoint.
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes

/// Samples [N, C, S, S] in [0, 1] (C = imageChannels: RGB, then the opacity for a prior with one) for `prompt`, one per camera; a tiled prior's sample is the 2×2 tile
/// of the camera's multi-view group (`groupCameras`).
public func samplePrior(_ model: BuiltInPriorModel, prompts: [String], cameras: [Camera], steps: Int = 50,
                        guidanceScale: Float = 5, seed: UInt64 = 0) throws -> Tensor {
    var configuration = model.configuration.scheduler
    configuration.clipSample = true                 // x̂₀ clipped to [−1, 1] while sampling
    let scheduler = try DDIMScheduler(configuration)
    let n = cameras.count, s = model.configuration.imageSize, c = model.configuration.imageChannels
    var generator = SeededGenerator(seed: seed).split("prior sample")
    let noise = Tensor(shape: [n, c, s, s], scalars: generator.normals(n * c * s * s))
    let z = withoutGrad {
        scheduler.sample(noise: noise, steps: steps, guidanceScale: guidanceScale) { z, t in
            let both = Tensor.concatenate([z, z], axis: 0)
            let views = model.configuration.tiledViews.map { v in cameras.flatMap { groupCameras($0, views: v) } } ?? cameras
            let conditions = PriorConditions(captions: prompts + prompts, cameras: views + views,
                                             keepText: [Bool](repeating: false, count: n) + [Bool](repeating: true, count: n))
            let out = model(both, timesteps: [Int](repeating: t, count: 2 * n), conditions: conditions)
            let halves = out.split(axis: 0, sizes: [n, n])
            return (halves[0], halves[1])
        }
    }
    return Tensor(shape: z.shape, scalars: z.scalars.map { min(max(($0 + 1) / 2, 0), 1) })
}
