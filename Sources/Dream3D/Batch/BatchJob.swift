// BatchJob.swift — the jobs of `dream3d batch FILE`: a text file with one prompt a line, or a YAML list
// whose items are prompts or mappings {prompt, method, seed, set, name}. Every job gets its own run
// folder, named from its prompt; jobs are numbered from 0 in file order, which `--shard i/n` splits.
import Foundation
import Yams

/// One generation job of a batch.
public struct BatchJob: Equatable, Sendable {
    public var prompt: String
    /// `--set`-style overrides ("key=value") applied over the batch's configuration; `method` and
    /// `seed` of a YAML job arrive here as "method=…" and "seed=…".
    public var overrides: [String] = []
    /// The run folder's name (default: from the prompt, see `batchRunNames`).
    public var name: String?

    public init(prompt: String, overrides: [String] = [], name: String? = nil) {
        self.prompt = prompt
        self.overrides = overrides
        self.name = name
    }
}

/// A batch file that cannot be used, a bad job in it, or a bad `--shard`.
public enum BatchError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case noJobs(path: String)
    case badJob(path: String, job: Int, reason: String)
    case badShard(String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read the batch file \(path): \(reason)"
        case let .noJobs(path):
            return "the batch file \(path) holds no jobs; write one prompt a line, or a YAML list of prompts or {prompt, method, seed, set}"
        case let .badJob(path, job, reason):
            return "job \(job) of \(path): \(reason); a YAML job is a prompt or a mapping with keys prompt, method, seed, set, name"
        case let .badShard(text):
            return "--shard \(text): expected i/n with 0 ≤ i < n, e.g. --shard 0/4 (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)"
        }
    }
}

/// The jobs of a batch file: YAML (.yaml, .yml) or text (one prompt a line; blank lines and lines
/// starting with # are skipped).
public func readBatchJobs(_ url: URL) throws(BatchError) -> [BatchJob] {
    let text: String
    do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
    let jobs: [BatchJob]
    if ["yaml", "yml"].contains(url.pathExtension.lowercased()) {
        jobs = try yamlJobs(text, path: url.path)
    } else {
        jobs = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { BatchJob(prompt: $0) }
    }
    guard !jobs.isEmpty else { throw .noJobs(path: url.path) }
    return jobs
}

private func yamlJobs(_ text: String, path: String) throws(BatchError) -> [BatchJob] {
    let loaded: Any?
    do { loaded = try Yams.load(yaml: text) } catch { throw .unreadable(path: path, reason: "invalid YAML: \(error)") }
    guard let items = loaded as? [Any] else {
        if loaded == nil { return [] }
        throw .unreadable(path: path, reason: "expected a YAML list of jobs")
    }
    return try items.enumerated().map { (index, item) throws(BatchError) -> BatchJob in
        if let prompt = item as? String { return BatchJob(prompt: prompt) }
        guard let mapping = item as? [String: Any] else { throw .badJob(path: path, job: index, reason: "neither a prompt nor a mapping") }
        let known: Set = ["prompt", "method", "seed", "set", "name"]
        if let unknown = mapping.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badJob(path: path, job: index, reason: "unknown key \(unknown)")
        }
        guard let prompt = mapping["prompt"] as? String else { throw .badJob(path: path, job: index, reason: "no prompt") }
        var overrides: [String] = []
        for key in ["method", "seed"] { if let value = mapping[key] { overrides.append("\(key)=\(value)") } }
        switch mapping["set"] {
        case nil: break
        case let list as [String]: overrides += list
        case let table as [String: Any]: overrides += table.keys.sorted().map { "\($0)=\(table[$0]!)" }
        default: throw .badJob(path: path, job: index, reason: "set must be a list of key=value or a mapping")
        }
        return BatchJob(prompt: prompt, overrides: overrides, name: mapping["name"].map { "\($0)" })
    }
}

/// `--shard i/n`: this machine takes jobs i, i + n, i + 2n, … (a Slurm array task or a Kubernetes
/// indexed job passes its index as i and the array size as n).
public struct BatchShard: Equatable, Sendable {
    public let index: Int, count: Int
    public static let whole = BatchShard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init(parsing text: String) throws(BatchError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(i) else { throw .badShard(text) }
        self.init(index: i, count: n)
    }

    /// Whether job `job` (numbered from 0) is this shard's.
    public func contains(_ job: Int) -> Bool { job % count == index }
}

/// Run folder names of `jobs`: each job's `name`, or its prompt's folder name; repeats get -2, -3, …
/// in job order, so every shard of a batch names every job the same way.
public func batchRunNames(_ jobs: [BatchJob]) -> [String] {
    var seen: [String: Int] = [:]
    return jobs.map { job in
        let base = job.name ?? RunFolder.name(for: job.prompt)
        let count = seen[base, default: 0] + 1
        seen[base] = count
        return count == 1 ? base : "\(base)-\(count)"
    }
}
