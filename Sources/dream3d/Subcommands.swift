// The subcommand skeleton of DESIGN.md §1. Each answers "not implemented yet" (exit code 2) until
// the issue that builds it lands.
import ArgumentParser
import Dream3DShapes

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Optimise a scene for a prompt and write its mesh.")
    @Argument(help: "What to make, e.g. \"a teddy bear\".") var prompt: String
    func run() throws { try notImplemented("generate") }
}

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run one generation per line of a prompts file, resumably.")
    @Argument(help: "A text file with one prompt per line.") var prompts: String
    func run() throws { try notImplemented("batch") }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a run folder's scene as a mesh (OBJ, PLY, GLB).")
    @Argument(help: "A run folder, e.g. runs/latest.") var folder: String
    func run() throws { try notImplemented("export") }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Render turntable views of a run folder's scene.")
    @Argument(help: "A run folder, e.g. runs/latest.") var folder: String
    func run() throws { try notImplemented("render") }
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
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train the built-in prior from scratch or resume.")
    func run() throws { try notImplemented("prior train") }
}

struct PriorSample: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sample", abstract: "Sample images from the prior for a prompt and camera.")
    @Argument(help: "What to draw, e.g. \"a blue chair\".") var prompt: String
    func run() throws { try notImplemented("prior sample") }
}

struct PriorEval: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Held-out denoising loss and zero-shot family accuracy.")
    func run() throws { try notImplemented("prior eval") }
}
