// ScoreNetwork.swift — what VSD's ε_ψ (RenderScoreModel) adapts: a network prior's U-Net and the way its
// conditions reach that U-Net. The built-in prior (text, its own camera inputs) and Stable Diffusion (text
// only) both are one; ε_ψ runs a LoRA-adapted copy of the U-Net through `output`.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public protocol ScoreNetwork: DiffusionPrior, AnyObject {
    /// The U-Net whose frozen copy ε_ψ adapts.
    var unet: UNet2DConditionModel { get }
    /// What the U-Net outputs: "epsilon", "v_prediction" or "sample" (diffusers' prediction_type).
    var predictionType: String { get }
    /// `unet`'s raw output (this network's own U-Net or an adapted copy) for noisy samples z at `timesteps`
    /// (one per sample), conditioned on `prompt` (text states off the tape: ε_ψ never trains the text
    /// encoder) and `cameras` as this network takes them, `addedEmbedding` added to the time embedding.
    func output(of unet: UNet2DConditionModel, _ z: Tensor, timesteps: [Int], prompt: String, cameras: [Camera],
                addedEmbedding: Tensor) -> Tensor
}

extension BuiltInPriorModel: ScoreNetwork {
    public var predictionType: String { configuration.scheduler.predictionType }

    /// The text and the prior's own camera inputs (ray maps, class embedding) kept for every sample.
    public func output(of unet: UNet2DConditionModel, _ z: Tensor, timesteps: [Int], prompt: String, cameras: [Camera],
                       addedEmbedding: Tensor) -> Tensor {
        let conditions = PriorConditions(captions: [String](repeating: prompt, count: z.shape[0]), cameras: cameras)
        let textStates = withoutGrad { encodeText(conditions) }
        return unet(unetInput(z, conditions: conditions), timesteps: timesteps.map(Float.init), encoderHiddenStates: textStates,
                    classLabels: classLabels(conditions), addedEmbedding: addedEmbedding)
    }
}
