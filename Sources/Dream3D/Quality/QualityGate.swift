// QualityGate.swift — `dream3d eval quality` (issue 9, item 5): every prompt of the fixed list is
// generated with the default recipe (scenes/sds.yaml = TrainingConfiguration's defaults) and one seed
// into its own run folder, the exported meshes are scored (MeshQuality.swift) and judged against the
// issue's thresholds (QualitySummary.swift), and the report and gallery are written.
//
// Resumable: a folder whose run finished is scored as it stands, one that stopped part-way is resumed,
// so the gate can be spread over sessions and re-scored in seconds. A folder made with another
// configuration, prompt or prior (say an earlier `--steps 20` smoke run) is refused before anything
// runs, never mixed into the figures.
import Dream3DCore
import Dream3DMesh
import Dream3DShapes
import Foundation

/// What to run the gate with.
public struct QualityGateOptions: Sendable {
    /// Parent of the run folders, one per prompt (named by RunFolder.name(for:)).
    public var out = URL(fileURLWithPath: "runs/quality")
    public var seed: UInt64 = 0
    /// Optimisation steps instead of the recipe's (quick runs); nil keeps the default recipe's.
    public var steps: Int?
    /// Only the first `promptCount` prompts of `qualityPrompts`; nil: all.
    public var promptCount: Int?
    /// A prior folder instead of the shipped built-in prior (as `generate --model`).
    public var model: URL?
    /// Where quality.md and gallery.png go; nil writes neither.
    public var docs: URL? = URL(fileURLWithPath: "docs")
    /// `key=value` changes to the default recipe (as `generate --set`), to weigh a setting on the gate.
    public var overrides: [String] = []
    /// The command line, as the report quotes it.
    public var command = "dream3d eval quality"
    public var thresholds = QualityThresholds()
    public init() {}

    /// The prompts this run covers.
    public var prompts: [String] { Array(qualityPrompts.prefix(promptCount ?? qualityPrompts.count)) }

    /// The configuration every prompt runs with: the defaults with `overrides`, this seed and step count.
    public func configuration() throws(ConfigurationError) -> TrainingConfiguration {
        var c = try ConfigurationResolver.resolve(TrainingConfiguration(), recipe: nil, overrides: overrides)
        c.seed = seed
        if let steps { c.steps = steps }
        return c
    }
}

/// Something the gate reports while it works.
public enum QualityGateEvent {
    /// Prompt `index` (from 0) of `count` starts generating, or resumes, in `folder`.
    case generating(index: Int, count: Int, prompt: String, folder: URL, resuming: Bool)
    /// A logged step of the prompt being generated.
    case progress(GenerationProgress)
    /// Prompt `index` already has a finished mesh, which is scored as it is.
    case finished(index: Int, count: Int, prompt: String, folder: URL)
    /// Prompt `index` ended with no surface to mesh (`reason` says why); it is scored as an empty mesh.
    case noSurface(index: Int, count: Int, prompt: String, reason: String)
    /// All meshes are there; scoring starts.
    case scoring(count: Int)
}

/// Why the gate could not run; each names the fix.
public enum QualityGateError: Error, CustomStringConvertible, Equatable {
    case badPromptCount(Int, available: Int)
    case otherRun(path: String, found: String, wanted: String)
    case noCheckpoint(path: String)
    case unwritableDocs(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badPromptCount(count, available):
            "--prompts \(count): the gate has \(available) prompts\nhint: pass a number from 1 to \(available)"
        case let .otherRun(path, found, wanted):
            """
            \(path) holds a run of \(found), not of \(wanted)
            hint: pass --out with another folder for this gate, or delete \(path) to generate it again
            """
        case let .noCheckpoint(path):
            "\(path) holds a run that stopped before its first checkpoint\nhint: delete \(path) to generate it again"
        case let .unwritableDocs(path, reason):
            "cannot create the report folder \(path): \(reason)\nhint: pass --docs with a folder you can write"
        }
    }
}

/// Runs the gate; nil when `shouldStop` interrupted it (the current run's checkpoint is saved, and the
/// next call resumes it).
public func runQualityGate(_ options: QualityGateOptions, report: (QualityGateEvent) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> QualityReport? {
    let prompts = options.prompts, configuration = try options.configuration()
    if let count = options.promptCount, !(1...qualityPrompts.count).contains(count) {
        throw QualityGateError.badPromptCount(count, available: qualityPrompts.count)
    }
    try configuration.validate()
    let library = try ShapeLibrary.load(), grammar = PromptGrammar(library: library)
    let parsed = try prompts.map { try grammar.parse($0) }
    let folders = prompts.map { RunFolder(options.out.appendingPathComponent(RunFolder.name(for: $0))) }
    let manifests = prompts.map { RunManifest(prompt: $0, guidance: "builtin", model: options.model?.path) }
    // Every folder is checked before any generation, so a conflict costs no CPU time.
    let states = try zip(folders, manifests).map { try runState($0, manifest: $1, configuration: configuration) }

    var prior: BuiltInPriorModel?
    for (index, state) in states.enumerated() {
        let folder = folders[index]
        guard state != .finished else {
            report(.finished(index: index, count: prompts.count, prompt: prompts[index], folder: folder.url))
            continue
        }
        if prior == nil { prior = try loadBuiltInPrior(model: options.model) }
        report(.generating(index: index, count: prompts.count, prompt: prompts[index], folder: folder.url, resuming: state == .stopped))
        let run = try GenerationRun(manifest: manifests[index], configuration: configuration, prior: prior!, folder: folder,
                                    resume: state == .stopped)
        do {
            _ = try run.run(report: { report(.progress($0)) }, shouldStop: shouldStop)
        } catch let error as MeshError {
            if shouldStop() { return nil }         // cut short with nothing to mesh yet: resumed next time
            // A run that made nothing is a result, not a crash of the gate: it is scored as an empty mesh.
            guard case .emptySurface = error else { throw error }
            report(.noSurface(index: index, count: prompts.count, prompt: prompts[index], reason: error.description))
        }
        if shouldStop() { return nil }
    }

    report(.scoring(count: prompts.count))
    let meshes = try folders.map { folder in
        FileManager.default.fileExists(atPath: folder.meshOBJ.path) ? try Mesh(objAt: folder.meshOBJ) : Mesh(positions: [], triangles: [])
    }
    let rows = try measureQuality(meshes: meshes, prompts: parsed, library: library)
    let result = QualityReport(date: ISO8601DateFormatter().string(from: Date()), command: options.command,
                               prior: guidancePriorDescription(model: options.model), seed: configuration.seed,
                               steps: configuration.steps, overrides: options.overrides, runs: options.out.path, rows: rows,
                               summary: summarise(rows, thresholds: options.thresholds))
    if let docs = options.docs {
        do { try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true) } catch {
            throw QualityGateError.unwritableDocs(path: docs.path, reason: (error as NSError).localizedDescription)
        }
        try writeAtomically(Data(result.markdown(gallery: "gallery.png").utf8), to: docs.appendingPathComponent("quality.md"))
        let labels = rows.map { $0.prompt + String(format: "  (IoU %.2f, #%d)", $0.familyIoU, $0.familyRank) }
        try writePNG(qualityGallery(meshes, labels: labels), to: docs.appendingPathComponent("gallery.png"))
    }
    return result
}

/// Where a prompt's run folder stands.
private enum RunState { case absent, stopped, finished }

/// The folder's state, or an error when it holds a run other than the one the gate asks for.
private func runState(_ folder: RunFolder, manifest: RunManifest, configuration: TrainingConfiguration) throws -> RunState {
    guard FileManager.default.fileExists(atPath: folder.manifest.path) else { return .absent }
    guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else { throw QualityGateError.noCheckpoint(path: folder.url.path) }
    let (foundManifest, found) = try readRun(folder)
    func words(_ m: RunManifest, _ c: TrainingConfiguration) -> String {
        "\"\(m.prompt)\" with \(m.model.map { "the prior \($0)" } ?? "the shipped prior"), seed \(c.seed), \(c.steps) steps"
    }
    guard foundManifest == manifest, found == configuration else {
        var foundWords = words(foundManifest, found)
        if foundManifest == manifest && found.seed == configuration.seed && found.steps == configuration.steps {
            foundWords += " and another recipe (its config.yaml differs from the defaults)"
        }
        throw QualityGateError.otherRun(path: folder.url.path, found: foundWords, wanted: words(manifest, configuration))
    }
    let finished = try checkpointStep(at: folder.checkpoint) >= configuration.steps
        && FileManager.default.fileExists(atPath: folder.meshOBJ.path)
    return finished ? .finished : .stopped
}
