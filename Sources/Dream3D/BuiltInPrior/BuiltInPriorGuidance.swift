// BuiltInPriorGuidance.swift — the built-in prior as distillation's DiffusionPrior. Classifier-free
// guidance drops the text but keeps the camera in the unconditional branch (DESIGN.md §9), so the
// guided direction amplifies the prompt and never the viewpoint; the camera reaches both branches as
// the render's own Plücker ray maps. Per-object camera numbers (cameraFamilies) go with the text, since
// the object is the caption's: the guided direction carries how that object turns. A tiled prior judges
// 2×2 tiles of four renders (Trainer).
import Dream3DCore
import Dream3DModels
import Dream3DScene

extension BuiltInPriorModel: DiffusionPrior {
    public var imageSize: Int { configuration.viewSize }
    public var viewsPerSample: Int { configuration.viewsPerImage }
    public var judgesOpacity: Bool { configuration.opacityChannel == true }

    public func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor {
        let n = z.shape[0]
        let conditions = PriorConditions(captions: [String](repeating: prompt, count: 2 * n), cameras: cameras + cameras,
                                         keepText: [Bool](repeating: false, count: n) + [Bool](repeating: true, count: n))
        let both = withoutGrad {
            predictNoise(Tensor.concatenate([z, z], axis: 0), timesteps: [Int](repeating: t, count: 2 * n), conditions: conditions)
        }
        let halves = both.split(axis: 0, sizes: [n, n])
        return withoutGrad { halves[0] + (halves[1] - halves[0]) * guidanceScale }
    }
}
