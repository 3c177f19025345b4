// `dream3d eval quality`: the quality gate of issue 9 — generate the fixed prompts (resumably), score the
// meshes, print the table and the verdict, write docs/quality.md and docs/gallery.png. Exit status 1
// when the gate fails.
import ArgumentParser
import Dream3D
import Foundation

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure what dream3d makes.", subcommands: [EvalQuality.self])
}

struct EvalQuality: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "The quality gate: generate the fixed prompts, score the meshes against the procedural shapes.",
        discussion: """
            Each prompt runs with the default recipe into OUT/<prompt>; a folder with a finished mesh is scored as it \
            is and one that stopped is resumed, so the gate can be spread over sessions and re-scored cheaply. \
            Prints a table and the verdict against issue 9's thresholds and writes DOCS/quality.md and \
            DOCS/gallery.png. Exits with status 1 when the gate fails. Ctrl-C saves the current run; run again to go on.
            """)
    @Option(help: "Folder of the run folders.") var out = "runs/quality"
    @Option(help: "Seed of every run.") var seed: UInt64 = 0
    @Option(help: "Optimisation steps instead of the recipe's (quick runs; use a separate --out).") var steps: Int?
    @Option(help: "Only the first K prompts of the \(qualityPrompts.count).") var prompts: Int?
    @Option(help: "A prior training or exported folder instead of the shipped built-in prior.") var model: String?
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change one setting of the default recipe (repeatable), to weigh it on the gate; use a separate --out.", valueName: "key=value"))
    var overrides: [String] = []
    @Option(help: "Where quality.md and gallery.png go.") var docs = "docs"
    @Flag(help: "Print the report as JSON on standard output instead of the table.") var json = false

    func validate() throws {
        if let prompts, !(1...qualityPrompts.count).contains(prompts) {
            throw ValidationError("--prompts must be in 1...\(qualityPrompts.count)")
        }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
    }

    func run() throws {
        var options = QualityGateOptions()
        options.out = URL(fileURLWithPath: out)
        options.seed = seed
        options.steps = steps
        options.promptCount = prompts
        options.model = model.map { URL(fileURLWithPath: $0) }
        options.docs = URL(fileURLWithPath: docs)
        options.overrides = overrides
        options.command = (["dream3d"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let interrupt = InterruptFlag.install()
        var progress: ProgressPrinter?
        let report = try runQualityGate(options, report: { event in
            switch event {
            case let .generating(index, count, prompt, folder, resuming):
                FileHandleOutput.standardError.write("[\(index + 1)/\(count)] \(resuming ? "resuming" : "generating") \"\(prompt)\" in \(folder.path)\n")
                progress = ProgressPrinter(mode: .bar, label: "[\(index + 1)/\(count)] \(prompt)")
            case let .progress(p):
                progress?.report(p)
                if p.step == p.steps { progress?.finish() }
            case let .finished(index, count, prompt, _):
                FileHandleOutput.standardError.write("[\(index + 1)/\(count)] \"\(prompt)\": finished mesh found, not regenerated\n")
            case let .noSurface(index, count, prompt, reason):
                FileHandleOutput.standardError.write("[\(index + 1)/\(count)] \"\(prompt)\": \(reason.split(separator: "\n").first ?? "")"
                                                     + " — scored as an empty mesh\n")
            case let .scoring(count):
                FileHandleOutput.standardError.write("scoring \(count) meshes against every family…\n")
            }
        }, shouldStop: interrupt.isSet)
        guard let report else {
            FileHandleOutput.standardError.write("interrupted: the current run is saved; run the same command again to resume it\n")
            throw ExitCode(130)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
            print("wrote \(docs)/quality.md and \(docs)/gallery.png")
        }
        if !report.summary.passed { throw ExitCode(1) }
    }
}
