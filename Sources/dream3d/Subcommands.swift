// The subcommand skeleton of DESIGN.md §1. Each answers "not implemented yet" (exit code 2) until
// the issue that builds it lands.
import ArgumentParser

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
    static let configuration = CommandConfiguration(abstract: "Train, sample and evaluate the built-in 2D prior.")
    func run() throws { try notImplemented("prior") }
}
