// PriorTrainingRun.swift — `dream3d prior train` as a library call: trains in a folder, writes a
// checkpoint every few steps (atomically, so an interrupt loses at most those steps), appends one JSON
// line per logged step to loss.jsonl, and resumes from the folder's checkpoint when asked.
import Dream3DCore
import Dream3DShapes
import Foundation

public struct PriorTrainingOptions: Sendable {
    public var steps = 4000
    public var seed: UInt64 = 0
    public var folder = URL(fileURLWithPath: "runs/prior")
    public var resume = false
    /// Start a new run from this prior's weights (a training folder's EMA or an exported folder) instead
    /// of fresh ones: a fine-tune. The optimiser starts afresh; the EMA starts at these weights.
    public var initialWeights: URL? = nil
    public var checkpointEvery = 100
    public var logEvery = 10
    public var configuration = BuiltInPriorConfiguration()
    public init() {}
}

/// One progress report.
public struct PriorTrainingProgress: Sendable {
    public var step: Int, steps: Int
    public var loss: Float
    public var imagesPerSecond: Double
    public var secondsRemaining: Double
}

/// Trains (or resumes) the built-in prior as `options` say, calling `report` every `logEvery` steps.
public func trainBuiltInPrior(_ options: PriorTrainingOptions, report: (PriorTrainingProgress) -> Void) throws -> PriorTrainer {
    try FileManager.default.createDirectory(at: options.folder, withIntermediateDirectories: true)
    // The configuration travels with the weights, so a folder resumes and reloads as it was trained even
    // after the defaults change.
    let configuration = options.resume ? try folderConfiguration(options.folder) ?? options.configuration : options.configuration
    let trainer = try makePriorTrainer(configuration, seed: options.seed)
    let checkpoint = options.folder.appendingPathComponent("checkpoint.safetensors")
    if options.resume {
        try trainer.restoreCheckpoint(from: checkpoint)
    } else if let initial = options.initialWeights {
        try trainer.startFrom(try loadBuiltInPrior(model: initial), path: initial.path)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try writeAtomically(try encoder.encode(configuration), to: options.folder.appendingPathComponent(priorConfigurationFile))
    let log = options.folder.appendingPathComponent("loss.jsonl")
    if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
    let handle = try FileHandle(forWritingTo: log)
    defer { try? handle.close() }
    try handle.seekToEnd()
    let start = Date(), firstStep = trainer.step
    var window: [Float] = []
    while trainer.step < options.steps {
        window.append(trainer.trainStep())
        if trainer.step % options.logEvery == 0 || trainer.step == options.steps {
            let elapsed = Date().timeIntervalSince(start), done = Double(trainer.step - firstStep)
            let progress = PriorTrainingProgress(step: trainer.step, steps: options.steps, loss: window.reduce(0, +) / Float(window.count),
                                                 imagesPerSecond: done * Double(configuration.batchSize) / elapsed,
                                                 secondsRemaining: elapsed / done * Double(options.steps - trainer.step))
            handle.write(Data("{\"step\":\(progress.step),\"loss\":\(progress.loss),\"seconds\":\(String(format: "%.1f", elapsed))}\n".utf8))
            report(progress)
            window.removeAll()
        }
        if trainer.step % options.checkpointEvery == 0 || trainer.step == options.steps { try trainer.saveCheckpoint(to: checkpoint) }
    }
    return trainer
}

extension PriorTrainer {
    /// Copies `prior`'s weights into the model and the EMA (a fine-tune's start). Both must be built
    /// alike: the same vocabulary and every parameter of the same shape.
    func startFrom(_ prior: BuiltInPriorModel, path: String) throws(PriorFolderError) {
        guard prior.tokenizer.words == model.tokenizer.words else {
            throw .unreadable(path: path, problem: "its vocabulary is not the prompt grammar's (\(prior.tokenizer.words.count) words against \(model.tokenizer.words.count))")
        }
        let weights = Dictionary(uniqueKeysWithValues: prior.namedParameters.map { ($0.0, $0.1) })
        for (name, p) in model.namedParameters {
            guard let w = weights[name], let scalars = Self.widened(w, to: p.shape, name: name) else {
                throw .unreadable(path: path, problem: "\(name) is \(weights[name]?.shape.description ?? "absent"), this configuration needs \(p.shape)")
            }
            p.scalars = scalars
            ema[name] = scalars
        }
    }

    /// `w`'s values for a parameter of `shape`: the same, or zeros where a fine-tune gained inputs or
    /// outputs, so what is new starts with no effect: the class embedding's input layer when the camera
    /// gained numbers (more azimuth harmonics: zero columns after the old ones); the U-Net's first
    /// convolution when the images gained the opacity channel (a zero input channel after RGB, before
    /// the Plücker rays) and its last convolution (a zero output channel after RGB). nil when none fits.
    static func widened(_ w: Tensor, to shape: [Int], name: String) -> [Float]? {
        if w.shape == shape { return w.scalars }
        guard w.rank == shape.count, w.shape[0] <= shape[0] else { return nil }
        switch name {
        case "unet.class_embedding.linear_1.weight" where w.rank == 2 && w.shape[0] == shape[0] && w.shape[1] < shape[1]:
            return insertingZeroColumns(w, into: shape, at: w.shape[1])
        case "unet.conv_in.weight" where w.rank == 4 && w.shape[0] == shape[0] && w.shape[1] + 1 == shape[1] && Array(w.shape[2...]) == Array(shape[2...]):
            return insertingZeroColumns(w, into: shape, at: 3)
        case "unet.conv_out.weight" where w.shape[0] == 3 && shape[0] == 4 && Array(w.shape[1...]) == Array(shape[1...]),
             "unet.conv_out.bias" where w.shape == [3] && shape == [4]:
            return w.scalars + [Float](repeating: 0, count: w.count / 3)
        default:
            return nil
        }
    }

    /// `w` [rows, old, rest…] with zero columns inserted at column `position` of each row to make `shape`
    /// [rows, new, rest…].
    private static func insertingZeroColumns(_ w: Tensor, into shape: [Int], at position: Int) -> [Float] {
        let rows = shape[0], inner = shape.dropFirst(2).reduce(1, *), old = w.shape[1] * inner, new = shape[1] * inner
        let head = position * inner, added = new - old
        var out = [Float](repeating: 0, count: rows * new)
        for r in 0..<rows {
            out[(r * new)..<(r * new + head)] = w.scalars[(r * old)..<(r * old + head)]
            out[(r * new + head + added)..<((r + 1) * new)] = w.scalars[(r * old + head)..<((r + 1) * old)]
        }
        return out
    }
}

/// The training folder's copy of its BuiltInPriorConfiguration.
let priorConfigurationFile = "configuration.json"

/// The configuration a training folder was trained with (nil for folders from before it was saved).
func folderConfiguration(_ folder: URL) throws -> BuiltInPriorConfiguration? {
    let url = folder.appendingPathComponent(priorConfigurationFile)
    guard FileManager.default.fileExists(atPath: url.path) else { return nil }
    return try JSONDecoder().decode(BuiltInPriorConfiguration.self, from: Data(contentsOf: url))
}

/// A trainer over the procedural dataset with fresh, seeded weights.
func makePriorTrainer(_ configuration: BuiltInPriorConfiguration, seed: UInt64) throws -> PriorTrainer {
    let dataset = try priorDataset(for: configuration, seed: seed)
    let model = try BuiltInPriorModel(configuration, vocabulary: PromptGrammar(library: dataset.library).vocabulary, seed: seed)
    return PriorTrainer(model: model, dataset: dataset, seed: seed)
}

/// The procedural training set as `configuration` trains on it: views of its view size, in multi-view
/// groups when it shares noise across views or tiles them.
public func priorDataset(for configuration: BuiltInPriorConfiguration, seed: UInt64 = 0) throws -> DatasetRenderer {
    try priorDataset(imageSize: configuration.viewSize, groupViews: configuration.sharedNoiseViews ?? configuration.tiledViews,
                     groupLight: configuration.groupLight, seed: seed)
}

/// The procedural training set at `imageSize`, its multi-view groups of `groupViews` lit as `groupLight`
/// says (seed 0 is the shipped prior's: its held-out indices, `heldOutIndex` upward, were never trained on).
public func priorDataset(imageSize: Int, groupViews: Int? = nil, groupLight: GroupLight? = nil, seed: UInt64 = 0) throws -> DatasetRenderer {
    var settings = DatasetSettings()
    settings.imageSize = imageSize
    if let groupViews { settings.groupViews = groupViews }
    if let groupLight { settings.groupLight = groupLight }
    return DatasetRenderer(library: try ShapeLibrary.load(), settings: settings, seed: seed)
}

/// The prior of a training folder with its EMA weights loaded, for sampling and evaluation (the
/// folder is only read).
public func loadTrainedPrior(folder: URL) throws -> PriorTrainer {
    let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
    guard FileManager.default.fileExists(atPath: checkpoint.path) else { throw PriorFolderError.noCheckpoint(folder: folder.path) }
    let configuration = try folderConfiguration(folder) ?? BuiltInPriorConfiguration()
    let trainer = try makePriorTrainer(configuration, seed: 0)
    try trainer.restoreCheckpoint(from: checkpoint)
    trainer.loadEMAWeights()
    return trainer
}

/// A prior training folder that cannot be sampled or evaluated, or an exported folder that cannot be loaded.
public enum PriorFolderError: Error, CustomStringConvertible, Equatable {
    case noCheckpoint(folder: String)
    /// A file of the exported layout (PriorDiffusersFolder.swift) is absent.
    case missingFile(path: String, what: String)
    /// An exported file that is present but does not fit the rest of the folder.
    case unreadable(path: String, problem: String)
    /// `prior export --out` names a folder that holds something other than an earlier export.
    case notAnExport(folder: String)
    public var description: String {
        let exportAgain = "hint: export it again with `dream3d prior export --folder <training folder> --out <folder>`"
        switch self {
        case let .noCheckpoint(folder):
            return "\(folder) holds no checkpoint.safetensors\nhint: train one with `dream3d prior train --out \(folder)`, or pass --folder with a training folder"
        case let .missingFile(path, what): return "\(path): no such file (\(what))\n\(exportAgain)"
        case let .unreadable(path, problem): return "\(path): \(problem)\n\(exportAgain)"
        case let .notAnExport(folder):
            return "\(folder) exists and is not an exported prior (no dream3d_prior.json); not replacing it\nhint: pass --out a new folder, or an earlier export to replace"
        }
    }
}
