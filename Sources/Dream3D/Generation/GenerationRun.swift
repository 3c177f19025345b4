// GenerationRun.swift — `dream3d generate` as a library type: a Trainer working in a run folder. It
// writes the resolved configuration and manifest first, a metrics line every `logEvery` steps, a
// checkpoint every `checkpointEvery` steps (atomically, and only while the parameters are finite, so
// the last checkpoint on disk is always a good one), and at the end — or when asked to stop early —
// a final checkpoint, the mesh and a preview. Resuming continues the run bit for bit (Checkpoint.swift).
import Dream3DCore
import Dream3DMesh
import Dream3DScene
import Dream3DShapes
import Foundation

/// One progress report.
public struct GenerationProgress: Sendable {
    public var step: Int, steps: Int
    public var metrics: StepMetrics
    public var secondsElapsed: Double
    /// Wall time per step since this process started (or resumed) the run.
    public var secondsPerStep: Double
    public var secondsRemaining: Double

    /// One metrics.jsonl line (also what `--json` prints).
    public var jsonLine: String {
        let score = metrics.scoreModelLoss.map { String(format: "\"scoreModelLoss\":%.6g,", $0) } ?? ""
        return String(format: "{\"step\":%d,\"steps\":%d,\"t\":%d,\"gradient\":%.6g,\"regularisation\":%.6g,\"samples\":%d,",
                      step, steps, metrics.timestep, metrics.gradientScale, metrics.regularisation, metrics.samples)
            + score + String(format: "\"seconds\":%.2f}", secondsElapsed)
    }
}

/// How a run ended.
public struct GenerationResult {
    public var steps: Int
    /// True when `shouldStop` ended the run before its last step.
    public var interrupted: Bool
    public var mesh: Mesh
}

public final class GenerationRun<Prior: DiffusionPrior> {
    public let folder: RunFolder
    public let manifest: RunManifest
    public let trainer: Trainer<Prior>
    /// Words of the prompt the built-in prior does not know (they are left out of its prompt).
    public let promptWarning: PromptWarning?
    private var lastCheckpointStep: Int?

    /// A new run in `folder` (created; it must not hold a run already), or with `resume` the folder's
    /// run continued from its checkpoint (`configuration` must then be the folder's own, see `readRun`).
    public init(manifest: RunManifest, configuration: TrainingConfiguration, prior: Prior, folder: RunFolder, resume: Bool) throws {
        guard !manifest.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw GenerationError.emptyPrompt }
        try configuration.validate()
        self.folder = folder
        self.manifest = manifest
        // The built-in prior knows the prompt grammar's words only: it is guided by the prompt as the
        // grammar writes it (synonyms resolved, unknown words left out), and a prompt naming no object
        // it knows is refused before anything is written.
        var guidancePrompt = manifest.prompt
        if prior is BuiltInPriorModel {
            let parsed = try PromptGrammar(library: ShapeLibrary.load()).parse(manifest.prompt)
            guidancePrompt = parsed.canonical
            promptWarning = parsed.warning
        } else {
            promptWarning = nil
        }
        trainer = try Trainer(prompt: guidancePrompt, prior: prior, configuration: configuration)
        if resume {
            try trainer.restoreCheckpoint(from: folder.checkpoint)
            lastCheckpointStep = trainer.step
            return
        }
        guard !FileManager.default.fileExists(atPath: folder.manifest.path) else {
            throw GenerationError.unwritableFolder(path: folder.url.path, reason: "it holds a run already (run.json); use --resume to continue it")
        }
        do {
            try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
            try writeAtomically(Data(ConfigurationResolver.yaml(configuration).utf8), to: folder.configuration)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeAtomically(try encoder.encode(manifest), to: folder.manifest)
            try writeAtomically(Data(), to: folder.metrics)
        } catch {
            throw GenerationError.unwritableFolder(path: folder.url.path, reason: "\(error)")
        }
    }

    /// Trains to the configured step count (or until `shouldStop` says so), then exports.
    public func run(report: (GenerationProgress) -> Void = { _ in }, shouldStop: () -> Bool = { false }) throws -> GenerationResult {
        let c = trainer.configuration
        let metricsFile = try FileHandle(forWritingTo: folder.metrics)
        defer { try? metricsFile.close() }
        try metricsFile.seekToEnd()
        let start = Date(), firstStep = trainer.step
        var interrupted = false
        while trainer.step < c.steps {
            if shouldStop() { interrupted = true; break }
            let metrics = trainer.trainStep()
            let step = trainer.step
            if step % c.logEvery == 0 || step == c.steps {
                try checkFinite()
                let elapsed = Date().timeIntervalSince(start), done = Double(step - firstStep)
                let progress = GenerationProgress(step: step, steps: c.steps, metrics: metrics, secondsElapsed: elapsed,
                                                  secondsPerStep: elapsed / done, secondsRemaining: elapsed / done * Double(c.steps - step))
                metricsFile.write(Data((progress.jsonLine + "\n").utf8))
                report(progress)
            }
            if step % c.checkpointEvery == 0 { try saveCheckpoint() }
        }
        try saveCheckpoint()
        let mesh = try exportRun(trainer.field, configuration: c, to: folder)
        return GenerationResult(steps: trainer.step, interrupted: interrupted, mesh: mesh)
    }

    private func saveCheckpoint() throws {
        guard lastCheckpointStep != trainer.step else { return }
        try checkFinite()
        try trainer.saveCheckpoint(to: folder.checkpoint)
        lastCheckpointStep = trainer.step
    }

    /// Stops the run when any parameter is NaN or infinite (the checkpoint on disk stays the last good one).
    private func checkFinite() throws {
        for p in trainer.optimizer.parameters + (trainer.scoreModel?.optimizer.parameters ?? []) where !p.scalars.allSatisfy(\.isFinite) {
            throw GenerationError.nonFinite(step: trainer.step, lastCheckpointStep: lastCheckpointStep)
        }
    }
}
