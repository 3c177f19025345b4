// VariationalScoreDistillation.swift — VSD (Wang et al. 2023, ProlificDreamer, eq. 9; DESIGN.md §4;
// seeds/004). The scene is a particle of a distribution μ; the score of μ's noisy renders is learnt
// alongside by ε_ψ (RenderScoreModel) and takes the place of SDS's sampled noise:
//     ∇_x L_VSD = w(t)·(ε̂_CFG(z_t; y, t) − ε_ψ(z_t; y, c, t)),   w(t) = 1 − ᾱ_t,   z_t = α_t x + σ_t ε,
// the U-Net Jacobians dropped as in SDS. As threestudio's stable_diffusion_vsd_guidance.py
// (compute_grad_vsd): CFG on the pretrained prior only (ε_ψ's guidance_scale_lora is 1, so ε_ψ is
// evaluated once, text and camera kept), both branches as ε (v-prediction converted, ε = α v + σ z).
// x is the render as the prior sees it (DiffusionPrior.encodeRenders), as in SDS.
import Dream3DCore
import Dream3DModels
import Dream3DScene

public struct VariationalScoreDistillation: Codable, Sendable, Equatable {
    /// ε̂_CFG = ε̂_u + cfg·(ε̂_c − ε̂_u) on the pretrained prior: 7.5 (ProlificDreamer run.sh --scale 7.5,
    /// threestudio configs/prolificdreamer.yaml guidance_scale, both in this convention).
    public var guidanceScale: Float = 7.5
    /// Fraction of the schedule the gradient's t is drawn from (both references: 0.02…0.98; the trainer's
    /// annealedTMax caps it over the run, as their max_step_percent_annealed 0.5).
    public var tRange: ClosedRange<Float> = 0.02...0.98
    /// ε_ψ's LoRA rank on every attention projection (to_q, to_k, to_v, to_out.0), alpha = rank (scale 1):
    /// diffusers' LoRAAttnProcessor defaults, which threestudio sets on all of the U-Net's attention.
    public var loraRank = 4
    /// ε_ψ's AdamW learning rate (LoRA and camera embedding). Both references use 1e-4 for 25 000-step runs
    /// (threestudio's guidance lr, ProlificDreamer's --unet_lr); dream3d runs are 1000 steps, so ε_ψ gets
    /// 25× fewer updates to follow the scene, and 1e-3 lets it.
    public var learningRate: Float = 1e-3
    /// Probability that ε_ψ trains with its camera embedding's input zeroed (threestudio lora_cfg_training,
    /// ProlificDreamer --uncond_p: 0.1).
    public var cameraDropout: Float = 0.1
    public init() {}

    /// ∂L/∂x for clean samples x = prior.encodeRenders(renders) (values only; the caller applies it with
    /// backward), with ε_ψ = `scoreModel` (a RenderScoreModel in a run; any prior on the same schedule,
    /// evaluated at guidance scale 1). `tMax` (a fraction of the schedule) caps tRange's upper bound, for annealing.
    public func imageGradient(_ x: Tensor, cameras: [Camera], prompt: String, prior: some DiffusionPrior,
                              scoreModel: some DiffusionPrior, tMax: Float? = nil,
                              using generator: inout SeededGenerator) -> (gradient: [Float], step: ScoreDistillation.Step) {
        let t = drawTimestep(tRange, cappedAt: tMax, steps: prior.schedule.count, using: &generator)
        let noise = Tensor(shape: x.shape, scalars: generator.normals(x.count))
        let z = prior.schedule.addNoise(x.detached(), noise: noise, t: t)
        let pretrained = prior.predictNoise(z, timestep: t, prompt: prompt, cameras: cameras, guidanceScale: guidanceScale)
        let estimated = scoreModel.predictNoise(z, timestep: t, prompt: prompt, cameras: cameras, guidanceScale: 1)
        let weight = 1 - prior.schedule.alphasCumprod[t]
        return finiteGradient(timestep: t, (0..<x.count).map { weight * (pretrained.scalars[$0] - estimated.scalars[$0]) })
    }
}
