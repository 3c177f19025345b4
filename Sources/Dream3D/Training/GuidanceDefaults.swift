// GuidanceDefaults.swift — the configuration a run starts from, per guidance prior: the built-in prior's
// tuned defaults (TrainingConfiguration()), or threestudio's configs/dreamfusion-sd.yaml for Stable
// Diffusion (scenes/sds-stable-diffusion.yaml spells them out with their sources).
import Dream3DScene

extension TrainingConfiguration {
    /// The guidance priors `--guidance` may name.
    public static let guidances = ["builtin", "sd"]

    /// The defaults under a recipe and `--set` for runs guided by `guidance`.
    public static func defaults(guidance: String) throws(GenerationError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        switch guidance {
        case "builtin":
            return c
        case "sd":
            c.sds.guidanceScale = 100                   // DreamFusion's CFG for SD (threestudio's 100 is 101 here, DESIGN.md §4)
            c.annealedTMax = c.sds.tRange.upperBound     // t ~ U[0.02, 0.98] throughout: dreamfusion-sd does not anneal
            c.cameras = CameraSampler()                  // distance 1.5–2, fovy 40–70°, elevation −10–45°
            c.ambientRange = 0.1...0.1                   // threestudio's point light: ambient 0.1, diffuse 0.9
            c.albedoOnlySteps = c.steps / 5              // ambient_only_steps 2001 of 10 000
            c.shadedProbability = 0.75                   // DreamFusion: 75% shaded after the warm-up …
            c.texturelessShare = 0.5                     // … half of those textureless
            c.background = "learned"                     // neural-environment-map-background
            return c
        default:
            throw .unknownGuidance(guidance)
        }
    }
}
