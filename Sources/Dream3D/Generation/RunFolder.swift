// RunFolder.swift — the files of one generation run (DESIGN.md §1): the resolved configuration, the
// prompt and guidance it ran with, metrics, the resumable checkpoint, the mesh and a preview.
import Foundation

/// Paths inside a run folder.
public struct RunFolder: Sendable {
    public let url: URL
    public init(_ url: URL) { self.url = url }

    /// The fully resolved TrainingConfiguration as YAML (a valid recipe: `--config RUN/config.yaml`).
    public var configuration: URL { url.appendingPathComponent("config.yaml") }
    /// What is not in the configuration: prompt and guidance (RunManifest).
    public var manifest: URL { url.appendingPathComponent("run.json") }
    /// One JSON line per logged step.
    public var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    public var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }
    public var meshOBJ: URL { url.appendingPathComponent("mesh.obj") }
    public var meshGLB: URL { url.appendingPathComponent("mesh.glb") }
    public var preview: URL { url.appendingPathComponent("preview.png") }

    /// A folder name from a prompt: lower-case words joined by dashes ("a red chair" → "a-red-chair").
    public static func name(for prompt: String) -> String {
        let words = prompt.lowercased().split { !($0.isLetter || $0.isNumber) }
        let name = words.joined(separator: "-")
        return name.isEmpty ? "run" : String(name.prefix(64))
    }
}

extension RunFolder {
    /// Whether the folder holds a run that reached its configured step count and wrote its mesh (the
    /// last metrics.jsonl line is the last step: GenerationRun always logs it).
    public var isFinished: Bool {
        guard let (_, configuration) = try? readRun(self),
              FileManager.default.fileExists(atPath: meshOBJ.path), FileManager.default.fileExists(atPath: meshGLB.path),
              let text = try? String(contentsOf: metrics, encoding: .utf8),
              let last = text.split(whereSeparator: \.isNewline).last,
              let line = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any],
              let step = line["step"] as? Int else { return false }
        return step == configuration.steps
    }
}

/// The prompt and guidance of a run, saved as run.json so `--resume`, export and render need only the folder.
public struct RunManifest: Codable, Sendable, Equatable {
    public var prompt: String
    /// "builtin" (the shipped prior or a prior folder given as `model`) or "sd" (Stable Diffusion from the
    /// diffusers folder `model`).
    public var guidance: String
    /// The prior folder the run was guided by, when not the shipped one.
    public var model: String?
    public init(prompt: String, guidance: String, model: String?) {
        self.prompt = prompt
        self.guidance = guidance
        self.model = model
    }
}
