// The dream3d command line: argument parsing and printing only; the work lives in the libraries.
import ArgumentParser
import Dream3DCore

@main
struct Dream3DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dream3d",
        abstract: "Text to 3D mesh by score distillation (SDS, SJC, VSD) on a CPU.",
        version: dream3dVersion,
        subcommands: [Generate.self, Batch.self, Export.self, Render.self, Prior.self, Eval.self],
        defaultSubcommand: Generate.self)
}
