// PriorCheckpoint.swift — resumable state of a prior training run: weights, their EMA, AdamW's moments,
// the data/noise stream position and the step, in one safetensors file (names: the parameter's own,
// "ema.<name>", "optimizer.exp_avg(_sq).<name>"). Resuming continues the loss curve bit for bit.
import Dream3DCore
import Foundation

extension PriorTrainer {
    public func saveCheckpoint(to url: URL) throws(FileWriteError) {
        var tensors: [String: Tensor] = [:]
        for (name, p) in model.namedParameters {
            tensors[name] = p.detached()
            tensors["ema.\(name)"] = Tensor(shape: p.shape, scalars: ema[name]!)
        }
        for (name, t) in optimizer.stateTensors() { tensors["optimizer.\(name)"] = t }
        try writeSafetensors(tensors, metadata: [
            "step": "\(step)", "optimizer_steps": "\(optimizer.stepCount)",
            "rng.prior_training": "\(noiseStream.key):\(noiseStream.counter)", "dream3d_version": dream3dVersion,
        ], to: url)
    }

    public func restoreCheckpoint(from url: URL) throws(CheckpointError) {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(contentsOf: url) } catch { throw .unreadable(error) }
        func tensor(_ key: String, _ shape: [Int]) throws(CheckpointError) -> [Float] {
            guard let found = file.shape(of: key) else { throw .missing(key: key, path: url.path) }
            guard found == shape else { throw .mismatch(key: key, expected: shape, found: found, path: url.path) }
            do { return try file.tensor(key).scalars } catch { throw .unreadable(error) }
        }
        var state: [String: Tensor] = [:]
        for (name, p) in model.namedParameters {
            p.scalars = try tensor(name, p.shape)
            ema[name] = try tensor("ema.\(name)", p.shape)
            for prefix in ["exp_avg", "exp_avg_sq"] where file.contains("optimizer.\(prefix).\(name)") {
                state["\(prefix).\(name)"] = Tensor(shape: p.shape, scalars: try tensor("optimizer.\(prefix).\(name)", p.shape))
            }
        }
        let parts = file.metadata["rng.prior_training"]?.split(separator: ":").compactMap { UInt64($0) } ?? []
        guard parts.count == 2, let savedStep = file.metadata["step"].flatMap({ Int($0) }),
              let optimizerSteps = file.metadata["optimizer_steps"].flatMap({ Int($0) }) else {
            throw .missing(key: "metadata step/optimizer_steps/rng.prior_training", path: url.path)
        }
        do { try optimizer.restore(stateTensors: state, stepCount: optimizerSteps) } catch {
            throw .mismatch(key: "optimizer.\(error.parameter)", expected: error.expected, found: error.found, path: url.path)
        }
        noiseStream = SeededGenerator(key: parts[0], counter: parts[1])
        step = savedStep
    }
}
