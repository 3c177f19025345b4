// BatchRunner.swift — a batch's jobs run one after another, each in its own run folder under the
// batch folder. A finished run is skipped and a half-done one (interrupted, or its machine stopped)
// resumed from its checkpoint, so re-running a batch finishes it; a job that fails is recorded in the
// batch log and the batch goes on.
import Foundation

/// How one job of a batch ended: a line of the batch log (batch.jsonl).
public struct BatchRecord: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable { case finished, skipped, failed, interrupted }
    public var job: Int
    public var prompt: String
    public var run: String
    public var status: Status
    public var error: String?
    public var seconds: Double
}

/// Runs the jobs of one shard of a batch with one prior.
public struct BatchRunner<Prior: DiffusionPrior> {
    public let jobs: [BatchJob]
    /// The batch's configuration (defaults ← `--config` recipe ← `--set`); each job's overrides apply over it.
    public let configuration: TrainingConfiguration
    public let prior: Prior
    /// Guidance and prior folder as recorded in each run's run.json.
    public let guidance: String, model: String?
    /// The batch folder: run folders and the log go here.
    public let folder: URL
    public let shard: BatchShard

    public init(jobs: [BatchJob], configuration: TrainingConfiguration, prior: Prior, guidance: String, model: String?,
                folder: URL, shard: BatchShard = .whole) {
        self.jobs = jobs
        self.configuration = configuration
        self.prior = prior
        self.guidance = guidance
        self.model = model
        self.folder = folder
        self.shard = shard
    }

    /// batch.jsonl, or batch-shard-i-of-n.jsonl for a shard: shards often share a network folder, where
    /// appends from several machines to one file could interleave.
    public var log: URL {
        folder.appendingPathComponent(shard == .whole ? "batch.jsonl" : "batch-shard-\(shard.index)-of-\(shard.count).jsonl")
    }

    /// Runs this shard's jobs in order. `starting` is told of each job before it runs, `report` gets
    /// the running job's progress and `finished` each record as it is logged; when `shouldStop` says
    /// so, the running job stops with a checkpoint and mesh (status interrupted) and no further job starts.
    public func run(starting: (Int, BatchJob, RunFolder) -> Void = { _, _, _ in }, report: (GenerationProgress) -> Void = { _ in },
                    shouldStop: () -> Bool = { false }, finished: (BatchRecord) -> Void = { _ in }) throws -> [BatchRecord] {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw GenerationError.unwritableFolder(path: folder.path, reason: error.localizedDescription)
        }
        var records: [BatchRecord] = []
        for (index, name) in batchRunNames(jobs).enumerated() where shard.contains(index) {
            let job = jobs[index], runFolder = RunFolder(folder.appendingPathComponent(name, isDirectory: true))
            starting(index, job, runFolder)
            let start = Date()
            var record = BatchRecord(job: index, prompt: job.prompt, run: runFolder.url.path, status: .skipped, error: nil, seconds: 0)
            if !runFolder.isFinished {
                do {
                    let result = try generationRun(job, in: runFolder).run(report: report, shouldStop: shouldStop)
                    record.status = result.interrupted ? .interrupted : .finished
                } catch {
                    record.status = .failed
                    record.error = "\(error)"
                }
            }
            record.seconds = Date().timeIntervalSince(start)
            try appendLine(record, to: log)
            records.append(record)
            finished(record)
            if record.status == .interrupted { break }
        }
        return records
    }

    /// The job's run: resumed when its folder holds a checkpoint, otherwise new. A folder whose run
    /// never reached its first checkpoint holds nothing to keep and starts over.
    private func generationRun(_ job: BatchJob, in runFolder: RunFolder) throws -> GenerationRun<Prior> {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: runFolder.checkpoint.path) {
            let (manifest, configuration) = try readRun(runFolder)
            return try GenerationRun(manifest: manifest, configuration: configuration, prior: prior, folder: runFolder, resume: true)
        }
        for file in [runFolder.manifest, runFolder.configuration, runFolder.metrics] { try? fileManager.removeItem(at: file) }
        let configuration = try ConfigurationResolver.resolve(configuration, recipe: nil, overrides: job.overrides)
        return try GenerationRun(manifest: RunManifest(prompt: job.prompt, guidance: guidance, model: model),
                                 configuration: configuration, prior: prior, folder: runFolder, resume: false)
    }
}

/// Appends `record` as one JSON line to `url` (created when missing).
private func appendLine(_ record: BatchRecord, to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let line = try encoder.encode(record) + Data("\n".utf8)
    do {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    } catch {
        throw GenerationError.unwritableFolder(path: url.deletingLastPathComponent().path, reason: error.localizedDescription)
    }
}
