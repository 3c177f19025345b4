// The subcommand skeleton of DESIGN.md §1. Each answers "not implemented yet" (exit code 2) until
// the issue that builds it lands.
import ArgumentParser
import Dream3D
import Dream3DCore
import Dream3DScene
import Dream3DShapes
import Foundation

struct Prior: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train, sample and evaluate the built-in 2D prior.",
                                                    subcommands: [PriorInfo.self, PriorTrain.self, PriorSample.self, PriorEval.self, PriorExport.self])
}

struct PriorInfo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info",
                                                    abstract: "List the objects, colours and view phrases the built-in prior knows.")
    func run() throws { print(try priorInfoText()) }
}

struct PriorTrain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train the built-in prior from scratch or resume.",
        discussion: "Writes checkpoint.safetensors (every --checkpoint-every steps) and loss.jsonl into --out.")
    @Option(help: "Training steps in total.") var steps = 4000
    @Option(help: "Seed for the data, the noise and the initial weights.") var seed: UInt64 = 0
    @Option(help: "Images per step.") var batchSize = 32
    @Option(help: "Training folder.") var out = "runs/prior"
    @Flag(help: "Continue from the folder's checkpoint.") var resume = false
    @Option(help: "Steps between checkpoints.") var checkpointEvery = 100
    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Fine-tune: start from this prior's weights (a training or exported folder, e.g. Assets/priors/builtin) instead of fresh ones.",
        valueName: "folder")) var initialWeights: String?
    @Option(help: "AdamW learning rate.") var learningRate: Float = BuiltInPriorConfiguration().learningRate
    @Option(help: ArgumentHelp(
        "Batches of this many views of one object (evenly round it) sharing timestep, noise and dropout, so they differ only by the camera; 1: independent images.",
        valueName: "views")) var sharedNoiseViews = 1
    @Option(help: ArgumentHelp(
        "Share of timesteps drawn from 800–999, where x_t no longer shows the silhouette and the camera decides it (0: uniform).",
        valueName: "share")) var highNoiseShare: Float = 0
    @Flag(help: "With --shared-noise-views: light every view of a group the same way relative to its camera.") var lightFollowsCamera = false
    @Option(help: "Azimuth harmonics among the camera numbers (sin/cos of k·azimuth, k = 1…H); --init widens a prior with fewer.")
    var azimuthHarmonics = 1
    @Option(help: "Learning rate of the camera numbers' class embedding, as a multiple of --learning-rate.") var cameraLearningRateScale: Float = 1
    @Flag(help: "Multi-view: each image is a 2×2 tile of four views of one object 90° apart (MVDream, Zero123++); --batch-size counts tiles.")
    var tiled = false
    @Option(help: ArgumentHelp(
        "With --tiled: share of tiles whose first view is given clean and left out of the loss, so the prior learns to draw the other three views from it (0: none).",
        valueName: "share")) var cleanFirstViewShare: Float = 0
    @Flag(help: "Denoise each view's opacity as a fourth channel after RGB, which SDS then guides too; --init adds it to a prior without one.")
    var opacityChannel = false
    @Flag(help: "Give every object camera numbers of its own (sin/cos of the azimuth and of twice it, filled in the slot of the object the caption names); --init widens a prior without them.")
    var cameraPerObject = false

    func run() throws {
        guard !(resume && initialWeights != nil) else {
            throw ValidationError("--init starts a new run and --resume continues one; pass one of them")
        }
        guard sharedNoiseViews >= 1, batchSize % sharedNoiseViews == 0 else {
            throw ValidationError("--batch-size \(batchSize) does not hold whole groups of --shared-noise-views \(sharedNoiseViews); pick a divisor of the batch size")
        }
        guard !(tiled && sharedNoiseViews > 1) else {
            throw ValidationError("--tiled already denoises the four views of an object together; drop --shared-noise-views")
        }
        var options = PriorTrainingOptions()
        guard cleanFirstViewShare == 0 || tiled, (0...1).contains(cleanFirstViewShare) else {
            throw ValidationError("--clean-first-view-share takes a share in 0…1 of --tiled images; add --tiled")
        }
        if tiled { options.configuration.tile() }
        if opacityChannel { options.configuration.addOpacityChannel() }
        if cleanFirstViewShare > 0 { options.configuration.cleanFirstViewShare = cleanFirstViewShare }
        options.initialWeights = initialWeights.map { URL(fileURLWithPath: $0) }
        options.configuration.learningRate = learningRate
        if highNoiseShare > 0 { options.configuration.highNoiseShare = highNoiseShare }
        if sharedNoiseViews > 1 { options.configuration.sharedNoiseViews = sharedNoiseViews }
        if lightFollowsCamera { options.configuration.groupLight = .followsCamera }
        if cameraLearningRateScale != 1 { options.configuration.cameraEmbeddingLearningRateScale = cameraLearningRateScale }
        guard azimuthHarmonics >= 1 else { throw ValidationError("--azimuth-harmonics must be at least 1 (sin/cos of the azimuth itself)") }
        options.configuration.setAzimuthHarmonics(azimuthHarmonics)
        if cameraPerObject { options.configuration.setCameraFamilies(try ShapeLibrary.load().families.map(\.name)) }
        options.steps = steps
        options.seed = seed
        options.configuration.batchSize = batchSize
        options.folder = URL(fileURLWithPath: out)
        options.resume = resume
        options.checkpointEvery = checkpointEvery
        _ = try trainBuiltInPrior(options) { p in
            let eta = Int(p.secondsRemaining)
            FileHandleOutput.standardOutput.write(String(format: "step %d/%d  loss %.4f  %.1f images/s  ETA %d:%02d:%02d\n",
                                                         p.step, p.steps, p.loss, p.imagesPerSecond, eta / 3600, eta / 60 % 60, eta % 60))
        }
    }
}

struct PriorSample: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample",
        abstract: "Sample images from a prior for a prompt, one per azimuth (or --grid: every object).")
    @Argument(help: "What to draw, e.g. \"a blue chair\" (ignored with --grid).") var prompt: String = "a teddy bear"
    @Option(help: "A training folder (checkpoint.safetensors) or an exported one, e.g. Assets/priors/builtin.") var folder = "runs/prior"
    @Option(help: "First azimuth in degrees; the views go round in equal steps.") var azimuth: Float = 0
    @Option(help: "Elevation in degrees.") var elevation: Float = 15
    @Option(help: "Views round the object.") var views = 4
    @Option(help: "DDIM steps.") var steps = 50
    @Option(help: "Classifier-free guidance scale.") var cfg: Float = 5
    @Option(help: "Seed for the starting noise.") var seed: UInt64 = 0
    @Flag(help: "Every object the prior knows, in its default colour, one row each.") var grid = false
    @Option(help: "Output PNG.") var out = "prior-sample.png"

    func run() throws {
        let model = try loadBuiltInPrior(model: URL(fileURLWithPath: folder))
        let size = model.configuration.imageSize
        let orbit = (0..<views).map { i in
            Camera(elevation: elevation, azimuth: azimuth + 360 * Float(i) / Float(views), distance: 1.75,
                   fovy: 45 * .pi / 180, width: size, height: size)
        }
        let prompts = grid ? try ShapeLibrary.load().families.map { "a \($0.name)" } : [prompt]
        let images = try samplePrior(model, prompts: prompts.flatMap { p in orbit.map { _ in p } },
                                     cameras: prompts.flatMap { _ in orbit }, steps: steps, guidanceScale: cfg, seed: seed)
        // A prior with an opacity channel: each sample's opacity in grey beside its colours.
        let channels = images.shape[1], plane = size * size
        let tiles = images.split(axis: 0, sizes: [Int](repeating: 1, count: images.shape[0])).flatMap { sample -> [Tensor] in
            let rgb = Tensor(shape: [3, size, size], scalars: Array(sample.scalars[0..<(3 * plane)]))
            guard channels == 4 else { return [rgb] }
            let opacity = Array(sample.scalars[(3 * plane)...])
            return [rgb, Tensor(shape: [3, size, size], scalars: opacity + opacity + opacity)]
        }
        try writePNG(imageGrid(tiles, columns: views * (channels == 4 ? 2 : 1)), to: URL(fileURLWithPath: out))
        print("wrote \(out): \(prompts.count) prompt(s) × \(views) views at \(size)² from \(folder)" + (channels == 4 ? ", each with its opacity" : ""))
    }
}

struct PriorEval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval",
        abstract: "Evaluate a prior (training or exported folder) on held-out renders: camera sensitivity, loss, zero-shot accuracy.")
    @Option(help: "A training folder (checkpoint.safetensors; its EMA weights) or an exported one, e.g. Assets/priors/builtin.")
    var folder = "runs/prior"
    @Option(help: "Held-out images for camera sensitivity and the held-out loss.") var count = 64
    @Option(help: "Held-out images to classify zero-shot (each costs one U-Net pass per object and timestep).") var classify = 48
    @Option(parsing: .upToNextOption, help: "Timesteps of the zero-shot denoising error.") var timesteps = [200, 400, 600, 800]
    @Flag(help: "Also classify with prompts without the colour word (\"a chair\"); doubles the zero-shot time.") var colourless = false
    @Option(name: .customLong("family"), help: ArgumentHelp(
        "Measure the camera and view-phrase sensitivity on renders of this family only (repeatable), e.g. --family duck --family car: a surface of revolution looks alike from every azimuth.",
        valueName: "name")) var families: [String] = []

    func run() throws {
        let url = URL(fileURLWithPath: folder)
        let model = try loadBuiltInPrior(model: url), dataset = try priorDataset(for: model.configuration)
        let only = families.isEmpty ? nil : Set(try families.map { try dataset.library.familyIndex(named: $0) })
        print(guidancePriorDescription(model: url))
        let renders = "held-out renders" + (families.isEmpty ? "" : " of \(families.joined(separator: ", "))")
        var start = Date()
        if model.configuration.tiledViews != nil {
            let s = multiViewSensitivity(model, dataset: dataset, count: count, families: only)
            let perTimestep = s.timesteps.indices.map { i in
                String(format: "t=%d %+.1f%%/%+.1f%%/%+.1f%%", s.timesteps[i], 100 * s.margins(s.turned90)[i],
                       100 * s.margins(s.turned180)[i], 100 * s.margins(s.copies)[i])
            }
            print(String(format: "multi-view sensitivity on %d held-out tiles%@, error with cameras turned 90°/180° and of a tile of view 0's copies, against the true tile: %+.1f%%/%+.1f%%/%+.1f%% (",
                         count, families.isEmpty ? "" : " of \(families.joined(separator: ", "))", 100 * s.margin(s.turned90), 100 * s.margin(s.turned180), 100 * s.margin(s.copies))
                  + perTimestep.joined(separator: ", ") + ")")
            let clean = s.timesteps.indices.map { String(format: "t=%d %+.1f%%", s.timesteps[$0], 100 * s.margins(s.cleanFirstCopies, against: s.cleanFirstTrue)[$0]) }
            print(String(format: "with view 0 given clean, error on views 1–3 of the copies against the true views: %+.1f%% (",
                         100 * s.margin(s.cleanFirstCopies, against: s.cleanFirstTrue)) + clean.joined(separator: ", ") + ")")
        }
        let turned: [(TurnedCondition, String, Range<Int>?)] = model.configuration.tiledViews != nil ? [] :
            [(.camera, "camera", nil), (.viewPhrase, "view phrase (camera kept)", nil)]
            + (model.judgesOpacity ? [(.camera, "camera (opacity channel only)", 3..<4)] : [])
        for (condition, name, channels) in turned {
            let s = conditionSensitivity(model, dataset: dataset, turning: condition, count: count, families: only, channels: channels)
            let perTimestep = s.timesteps.indices.map { String(format: "t=%d %+.1f%%/%+.1f%%", s.timesteps[$0], 100 * s.margins90[$0], 100 * s.margins180[$0]) }
            print(String(format: "%@ sensitivity on %d %@, error when turned 90°/180° against the true one: %+.1f%%/%+.1f%% (",
                         name, count, renders, 100 * s.margin90, 100 * s.margin180) + perTimestep.joined(separator: ", ") + ")")
        }
        let loss = heldOutLoss(model, dataset: dataset, count: count)
        print(String(format: "held-out loss (training objective, all conditions kept): %.5f  [%.0f s]", loss, Date().timeIntervalSince(start)))
        for colourWords in classify == 0 ? [] : colourless ? [true, false] : [true] {
            start = Date()
            let result = zeroShotClassification(model, dataset: dataset, count: classify, timesteps: timesteps, colourWords: colourWords)
            let families = dataset.library.families.count
            let byTimestep = timesteps.indices.map { String(format: "t=%d %.0f%%", timesteps[$0], 100 * result.accuracy(timestepIndex: $0)) }
            let prompts = colourWords ? "\"a <colour> <object>\"" : "\"a <object>\""
            print("zero-shot top-1 among \(families) objects, prompts \(prompts): "
                  + String(format: "%.1f%% of %d (chance %.1f%%); ", 100 * result.accuracy, classify, 100 / Float(families))
                  + "by one timestep alone: \(byTimestep.joined(separator: ", "))"
                  + String(format: "  [%.0f s]", Date().timeIntervalSince(start)))
        }
    }
}

struct PriorExport: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
        abstract: "Write a training folder's EMA weights as a diffusers folder (unet/, text_encoder/, tokenizer/, scheduler/).",
        discussion: "U-Net weights are stored as F16; the command reports how much that changes the output.")
    @Option(help: "Training folder holding checkpoint.safetensors.") var folder = "runs/prior"
    @Option(help: "Folder to write (an earlier export there is replaced).") var out = "prior-diffusers"
    @Option(help: ArgumentHelp("Also write the check input and dream3d's output for scripts/check_prior_diffusers.py.", visibility: .hidden))
    var writeCheck: String?

    func run() throws {
        let trainer = try loadTrainedPrior(folder: URL(fileURLWithPath: folder))
        let check = priorCheckInput(trainer.model, dataset: trainer.dataset)
        let outURL = URL(fileURLWithPath: out)
        let report = try exportBuiltInPrior(trainer.model, trainingStep: trainer.step, to: outURL, check: check)
        print("wrote \(out): step \(trainer.step) EMA weights, "
              + String(format: "%.2f MB; F16 U-Net weights change the output by at most %.2e (outputs up to %.2f)",
                       Double(report.bytes) / 1e6, report.f16Deviation, report.outputScale))
        if let writeCheck {
            try writePriorCheckFixture(loadBuiltInPrior(diffusersFolder: outURL), input: check, to: URL(fileURLWithPath: writeCheck))
            print("wrote \(writeCheck): run python3 scripts/check_prior_diffusers.py \(out) \(writeCheck)")
        }
    }
}
