// `dream3d batch FILE`: one generation per job of a prompts file (text or YAML), each in its own run
// folder; re-running skips finished jobs and resumes half-done ones; `--shard i/n` spreads a batch
// over machines. Ctrl-C stops the running job with a checkpoint and mesh, and starts no other.
import ArgumentParser
import Dream3D
import Foundation

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one generation per job of a prompts file, resumably.",
        discussion: """
            FILE is a text file (one prompt a line; blank lines and # comments skipped) or a YAML list (.yaml) whose
            items are prompts or mappings {prompt, method, seed, set: [key=value, …], name}. Each job runs in
            OUT/<name> (default: from its prompt); finished runs are skipped, half-done ones resumed. Every job's
            outcome is a line of OUT/batch.jsonl (OUT/batch-shard-i-of-n.jsonl with --shard); a failed job is
            recorded there and the batch goes on; the exit status is 1 when any job failed.
            """)
    @Argument(help: "The prompts file: text, one prompt a line, or a YAML list of jobs.") var file: String
    @Option(help: "Batch folder: run folders and the batch log go here.") var out = "runs"
    @Option(help: "Take jobs i, i+n, i+2n, … of the file (0 ≤ i < n), e.g. --shard $SLURM_ARRAY_TASK_ID/8.") var shard: String?
    @Option(help: "Guidance prior: builtin (the shipped prior) or sd (Stable Diffusion, needs --model).") var guidance = "builtin"
    @Option(help: "With --guidance sd: a diffusers Stable Diffusion folder. With builtin: a prior folder instead of the shipped prior.")
    var model: String?
    @Option(help: "A YAML recipe for every job, e.g. scenes/sds.yaml.") var config: String?
    @Option(name: .customLong("set"), help: "Override one configuration key for every job (repeatable).") var overrides: [String] = []
    @Flag(help: "Print one JSON line per finished job on standard output instead of progress.") var json = false
    @Flag(help: "Print nothing but errors.") var quiet = false

    func run() throws {
        let jobs = try readBatchJobs(URL(fileURLWithPath: file))
        let shard = try shard.map { try BatchShard(parsing: $0) } ?? .whole
        let configuration = try ConfigurationResolver.resolve(TrainingConfiguration.defaults(guidance: guidance),
                                                              recipe: config.map { URL(fileURLWithPath: $0) },
                                                              overrides: overrides)
        try configuration.validate()
        let prior = try loadGuidancePrior(guidance: guidance, model: model.map { URL(fileURLWithPath: $0) }, configuration: configuration)
        try run(jobs: jobs, shard: shard, configuration: configuration, prior: prior)
    }

    /// The batch with `prior` (generic: each prior type has its own BatchRunner).
    private func run(jobs: [BatchJob], shard: BatchShard, configuration: TrainingConfiguration, prior: some DiffusionPrior) throws {
        let runner = BatchRunner(jobs: jobs, configuration: configuration, prior: prior, guidance: guidance,
                                 model: model.map { URL(fileURLWithPath: $0).standardizedFileURL.path },
                                 folder: URL(fileURLWithPath: out), shard: shard)
        let interrupt = InterruptFlag.install()
        var progress = ProgressPrinter(mode: .quiet, label: "")
        let records = try runner.run(
            starting: { index, job, _ in
                progress = ProgressPrinter(mode: quiet || json ? .quiet : .bar, label: "[\(index + 1)/\(jobs.count)] \(job.prompt)")
            },
            report: { progress.report($0) },
            shouldStop: interrupt.isSet,
            finished: { record in
                progress.finish()
                if json {
                    FileHandleOutput.standardOutput.write(String(decoding: try! JSONEncoder().encode(record), as: UTF8.self) + "\n")
                } else if !quiet || record.status == .failed {
                    let detail = record.error.map { ": \($0)" } ?? String(format: " in %.0f s", record.seconds)
                    FileHandleOutput.standardError.write("[\(record.job + 1)/\(jobs.count)] \(record.prompt): \(record.status.rawValue)\(detail) → \(record.run)\n")
                }
            })
        let failed = records.filter { $0.status == .failed }.count
        if !quiet {
            FileHandleOutput.standardError.write("\(records.count) job(s) of \(jobs.count) in this shard: "
                                                 + "\(records.filter { $0.status == .finished }.count) finished, "
                                                 + "\(records.filter { $0.status == .skipped }.count) skipped (done before), \(failed) failed; "
                                                 + "log \(runner.log.path)\n")
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
