// Checkpoint.swift — everything a run needs to continue exactly where it stopped (DESIGN.md §6: same
// seed, same mesh, also across an interruption): parameters by checkpoint name, Adam's moments and
// step count, the occupancy grid, and the position of every random stream; for VSD also ε_ψ's
// tensors ("vsd.…") and its optimiser's moments and step count. One safetensors file; integers and
// streams go in its metadata.
import Dream3DCore
import Foundation

/// A checkpoint that cannot be used to resume this run.
public enum CheckpointError: Error, CustomStringConvertible {
    case unreadable(SafetensorsError)
    case missing(key: String, path: String)
    case mismatch(key: String, expected: [Int], found: [Int], path: String)

    public var description: String {
        switch self {
        case let .unreadable(error): return "\(error)"
        case let .missing(key, path):
            return "checkpoint \(path) has no \(key)\nhint: it was written by another version or configuration; start a new run"
        case let .mismatch(key, expected, found, path):
            return "checkpoint \(path): \(key) has shape \(found), this run needs \(expected)\nhint: resume with the configuration the run was started with (its config.yaml)"
        }
    }
}

extension Trainer {
    /// Writes the checkpoint atomically to `url`.
    public func saveCheckpoint(to url: URL) throws(FileWriteError) {
        var tensors: [String: Tensor] = [:]
        let grid = renderer.occupancy
        tensors["occupancy.values"] = Tensor(shape: [grid.values.count], scalars: grid.values)
        tensors["occupancy.occupied"] = Tensor(shape: [grid.occupied.count], scalars: grid.occupied.map { $0 ? 1 : 0 })
        var metadata = ["step": "\(step)", "dream3d_version": dream3dVersion]
        for (name, stream) in streams { metadata["rng.\(name)"] = "\(stream.key):\(stream.counter)" }
        for (optimizer, stepsKey) in optimizers {
            for p in optimizer.parameters { tensors[p.name!] = p.detached() }
            for (name, t) in optimizer.stateTensors() { tensors["optimizer.\(name)"] = t }
            metadata[stepsKey] = "\(optimizer.stepCount)"
        }
        try writeSafetensors(tensors, metadata: metadata, to: url)
    }

    /// Every optimiser of the run with the metadata key of its step count; parameter names are unique
    /// across them (ε_ψ's start with "vsd.").
    private var optimizers: [(Adam, String)] {
        [(optimizer, "optimizer_steps")] + (scoreModel.map { [($0.optimizer, "vsd.optimizer_steps")] } ?? [])
    }

    /// Every random stream by its checkpoint name.
    private var streams: [(String, SeededGenerator)] {
        [("cameras", cameraStream), ("noise", noiseStream), ("render", renderStream)] + (scoreModel == nil ? [] : [("score", scoreStream)])
    }

    /// Restores a checkpoint written by `saveCheckpoint` into this (freshly made) trainer.
    public func restoreCheckpoint(from url: URL) throws(CheckpointError) {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch { throw .unreadable(error) }
        func tensor(_ key: String, shape: [Int]) throws(CheckpointError) -> Tensor {
            guard let found = file.shape(of: key) else { throw .missing(key: key, path: url.path) }
            guard found == shape else { throw .mismatch(key: key, expected: shape, found: found, path: url.path) }
            do { return try file.tensor(key) } catch { throw .unreadable(error) }
        }
        func integer(_ key: String) throws(CheckpointError) -> UInt64 {
            guard let text = file.metadata[key], let value = UInt64(text) else { throw .missing(key: "metadata \(key)", path: url.path) }
            return value
        }
        for (optimizer, stepsKey) in optimizers {
            for p in optimizer.parameters { p.scalars = try tensor(p.name!, shape: p.shape).scalars }
            var state: [String: Tensor] = [:]
            for p in optimizer.parameters {
                for prefix in ["exp_avg", "exp_avg_sq"] where file.contains("optimizer.\(prefix).\(p.name!)") {
                    state["\(prefix).\(p.name!)"] = try tensor("optimizer.\(prefix).\(p.name!)", shape: p.shape)
                }
            }
            let optimizerSteps = Int(try integer(stepsKey))
            do { try optimizer.restore(stateTensors: state, stepCount: optimizerSteps) } catch {
                throw .mismatch(key: "optimizer.\(error.parameter)", expected: error.expected, found: error.found, path: url.path)
            }
        }
        let cells = renderer.occupancy.values.count
        renderer.occupancy.restore(values: try tensor("occupancy.values", shape: [cells]).scalars,
                                   occupied: try tensor("occupancy.occupied", shape: [cells]).scalars.map { $0 != 0 })
        func stream(_ name: String) throws(CheckpointError) -> SeededGenerator {
            let parts = file.metadata["rng.\(name)"]?.split(separator: ":").compactMap { UInt64($0) } ?? []
            guard parts.count == 2 else { throw .missing(key: "metadata rng.\(name)", path: url.path) }
            return SeededGenerator(key: parts[0], counter: parts[1])
        }
        cameraStream = try stream("cameras")
        noiseStream = try stream("noise")
        renderStream = try stream("render")
        if scoreModel != nil { scoreStream = try stream("score") }
        step = Int(try integer("step"))
    }
}

/// The step a run's checkpoint was saved at, from its metadata alone (no tensor is read): how the quality
/// gate tells a finished run folder from one to resume.
public func checkpointStep(at url: URL) throws(CheckpointError) -> Int {
    let file: SafetensorsFile
    do { file = try SafetensorsFile(contentsOf: url) } catch { throw .unreadable(error) }
    guard let step = file.metadata["step"].flatMap({ Int($0) }) else { throw .missing(key: "metadata step", path: url.path) }
    return step
}
