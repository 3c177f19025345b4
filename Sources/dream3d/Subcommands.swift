// The subcommand skeleton of DESIGN.md §1. Each answers "not implemented yet" (exit code 2) until
// the issue that builds it lands.
import ArgumentParser
import Dream3D
import Dream3DCore
import Dream3DScene
import Dream3DShapes
import Foundation

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one generation per line of a prompts file, resumably.")
    @Argument(help: "A text file with one prompt per line.") var prompts: String
    func run() throws { try notImplemented("batch") }
}

struct Prior: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train, sample and evaluate the built-in 2D prior.",
                                                    subcommands: [PriorInfo.self, PriorTrain.self, PriorSample.self, PriorEval.self])
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

    func run() throws {
        var options = PriorTrainingOptions()
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
        abstract: "Sample images from a prior training folder for a prompt, one per azimuth (or --grid: every object).")
    @Argument(help: "What to draw, e.g. \"a blue chair\" (ignored with --grid).") var prompt: String = "a teddy bear"
    @Option(help: "Training folder holding checkpoint.safetensors.") var folder = "runs/prior"
    @Option(help: "First azimuth in degrees; the views go round in equal steps.") var azimuth: Float = 0
    @Option(help: "Elevation in degrees.") var elevation: Float = 15
    @Option(help: "Views round the object.") var views = 4
    @Option(help: "DDIM steps.") var steps = 50
    @Option(help: "Classifier-free guidance scale.") var cfg: Float = 5
    @Option(help: "Seed for the starting noise.") var seed: UInt64 = 0
    @Flag(help: "Every object the prior knows, in its default colour, one row each.") var grid = false
    @Option(help: "Output PNG.") var out = "prior-sample.png"

    func run() throws {
        let trainer = try loadTrainedPrior(folder: URL(fileURLWithPath: folder))
        let size = trainer.model.configuration.imageSize
        let orbit = (0..<views).map { i in
            Camera(elevation: elevation, azimuth: azimuth + 360 * Float(i) / Float(views), distance: 1.75,
                   fovy: 45 * .pi / 180, width: size, height: size)
        }
        let prompts = grid ? trainer.dataset.library.families.map { "a \($0.name)" } : [prompt]
        let images = try samplePrior(trainer.model, prompts: prompts.flatMap { p in orbit.map { _ in p } },
                                     cameras: prompts.flatMap { _ in orbit }, steps: steps, guidanceScale: cfg, seed: seed)
        let tiles = images.split(axis: 0, sizes: [Int](repeating: 1, count: images.shape[0])).map { $0.reshaped([3, size, size]) }
        try writePNG(imageGrid(tiles, columns: views), to: URL(fileURLWithPath: out))
        print("wrote \(out): \(prompts.count) prompt(s) × \(views) views at \(size)², step \(trainer.step) EMA weights")
    }
}

struct PriorEval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval",
        abstract: "Evaluate a prior training folder on held-out renders (camera sensitivity; zero-shot accuracy to come).")
    @Option(help: "Training folder holding checkpoint.safetensors.") var folder = "runs/prior"
    @Option(help: "Held-out images.") var count = 64

    func run() throws {
        let trainer = try loadTrainedPrior(folder: URL(fileURLWithPath: folder))
        let s = cameraSensitivity(trainer.model, dataset: trainer.dataset, count: count)
        print(String(format: "step %d, EMA weights, %d held-out renders, t ∈ {200, 400, 600}", trainer.step, count))
        print(String(format: "denoising error: true camera %.5f, turned 90° %.5f (%+.1f%%), turned 180° %.5f (%+.1f%%)",
                     s.trueCamera, s.turned90, 100 * s.margin90, s.turned180, 100 * s.margin180))
    }
}
