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

/// Thrown by subcommands whose issue has not landed: exit code 2 and a one-line explanation.
struct NotImplemented: Error, CustomStringConvertible {
    let command: String
    var description: String { "dream3d \(command): not implemented yet" }
}

extension ParsableCommand {
    /// Reports that this subcommand is a placeholder and exits with code 2.
    func notImplemented(_ command: String) throws -> Never {
        FileHandleOutput.standardError.write("Error: \(NotImplemented(command: command))\n")
        throw ExitCode(2)
    }
}
