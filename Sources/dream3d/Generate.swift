// `dream3d [generate] PROMPT`: resolves the configuration (defaults ← --config recipe ← the flags ←
// --set), loads the prior, runs in a run folder and prints progress. Ctrl-C stops after the current
// step with a checkpoint and the mesh written.
import ArgumentParser
import Dream3D
import Foundation

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Optimise a scene for a prompt and write its mesh.",
        discussion: """
            Writes a run folder (--out, default runs/<prompt>): mesh.obj + mesh.mtl, mesh.glb, preview.png,
            checkpoint.safetensors, config.yaml (the resolved configuration), run.json and metrics.jsonl.
            Ctrl-C stops after the current step, saving the checkpoint and the mesh; --resume continues.
            """)
    @Argument(help: "What to make, e.g. \"a teddy bear\" (`dream3d prior info` lists what the built-in prior knows).")
    var prompt: String?
    @Option(help: "Guidance method: sds, sjc or vsd (default: the recipe's, sds).") var method: String?
    @Option(help: "Optimisation steps (default: the recipe's).") var steps: Int?
    @Option(help: "Seed of every random choice; the same seed gives the same mesh.") var seed: UInt64?
    @Option(help: "Run folder (default: runs/<prompt>).") var out: String?
    @Option(help: "Guidance prior: builtin (the shipped prior) or sd (Stable Diffusion, needs --model).") var guidance = "builtin"
    @Option(help: "With --guidance sd: a diffusers Stable Diffusion folder. With builtin: a prior folder instead of the shipped prior.")
    var model: String?
    @Option(help: "A YAML recipe, e.g. scenes/sds.yaml.") var config: String?
    @Option(name: .customLong("set"), help: "Override one configuration key, e.g. --set sds.guidanceScale=30 (repeatable).")
    var overrides: [String] = []
    @Option(help: "Continue the run in this folder from its checkpoint.") var resume: String?
    @Flag(help: "Print one JSON line per logged step on standard output instead of the progress bar.") var json = false
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        let folder: RunFolder, manifest: RunManifest, configuration: TrainingConfiguration
        if let resume {
            folder = RunFolder(URL(fileURLWithPath: resume))
            (manifest, configuration) = try readRun(folder)
        } else {
            guard let prompt, !prompt.trimmingCharacters(in: .whitespaces).isEmpty else { throw GenerationError.emptyPrompt }
            var flags = overrides
            if let method { flags.insert("method=\(method)", at: 0) }
            if let steps { flags.insert("steps=\(steps)", at: 0) }
            if let seed { flags.insert("seed=\(seed)", at: 0) }
            configuration = try ConfigurationResolver.resolve(TrainingConfiguration.defaults(guidance: guidance),
                                                              recipe: config.map { URL(fileURLWithPath: $0) },
                                                              overrides: flags)
            try configuration.validate()
            folder = RunFolder(URL(fileURLWithPath: out ?? "runs/\(RunFolder.name(for: prompt))"))
            // Absolute, so that --resume from another directory finds the model again.
            manifest = RunManifest(prompt: prompt, guidance: guidance, model: model.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        }
        let prior = try loadGuidancePrior(guidance: manifest.guidance, model: manifest.model.map { URL(fileURLWithPath: $0) },
                                          configuration: configuration)
        try generate(prior: prior, manifest: manifest, configuration: configuration, folder: folder)
    }

    /// The run with `prior` (generic: each prior type has its own GenerationRun).
    private func generate(prior: some DiffusionPrior, manifest: RunManifest, configuration: TrainingConfiguration, folder: RunFolder) throws {
        let run = try GenerationRun(manifest: manifest, configuration: configuration, prior: prior, folder: folder, resume: resume != nil)
        if let warning = run.promptWarning, !quiet { FileHandleOutput.standardError.write("warning: \(warning)\n") }
        let interrupt = InterruptFlag.install()
        let progress = ProgressPrinter(mode: quiet ? .quiet : json ? .json : .bar, label: manifest.prompt)
        let result = try run.run(report: progress.report, shouldStop: interrupt.isSet)
        progress.finish()
        if !quiet {
            let stopped = result.interrupted ? "stopped at step \(result.steps) (resume with --resume \(folder.url.path)); " : ""
            FileHandleOutput.standardError.write("\(stopped)wrote \(folder.meshOBJ.path), mesh.glb, preview.png: "
                                                 + "\(result.mesh.vertexCount) vertices, \(result.mesh.triangleCount) triangles\n")
        }
    }
}
