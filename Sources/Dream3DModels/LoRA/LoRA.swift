// LoRA.swift — attaching, saving and loading LoRA adapters on a model's Linear layers, in the layout
// diffusers' save_lora_weights writes for peft adapters (src/diffusers/loaders/lora_pipeline.py,
// lora_base.py: _pack_dict_with_prefix, write_lora_layers): "<prefix>.<module>.lora_A.weight" [r, in] and
// ".lora_B.weight" [out, r], with the peft LoraConfig as JSON under the "lora_adapter_metadata" metadata key
// ("unet.r", "unet.lora_alpha", "unet.target_modules"). Without that metadata diffusers takes alpha = r.
import Foundation
import Dream3DCore

/// Which Linear layers get an adapter, and its rank and alpha (peft LoraConfig r, lora_alpha, target_modules).
public struct LoRAConfiguration: Sendable, Equatable {
    public var rank: Int
    public var alpha: Float
    /// A Linear matches when its dotted name equals a target or ends with "." + target.
    public var targetModules: [String]
    public init(rank: Int, alpha: Float, targetModules: [String] = ["to_q", "to_k", "to_v", "to_out.0"]) {
        self.rank = rank
        self.alpha = alpha
        self.targetModules = targetModules
    }
    func matches(_ name: String) -> Bool { targetModules.contains { name == $0 || name.hasSuffix("." + $0) } }
}

extension Layer {
    /// Every Linear in the model under its dotted checkpoint name.
    public func namedLinears(prefix: String = "") -> [(String, Linear)] {
        var out: [(String, Linear)] = []
        for (name, child) in children {
            guard let child else { continue }
            let full = prefix.isEmpty ? name : prefix + "." + name
            if let linear = child as? Linear { out.append((full, linear)) } else { out += child.namedLinears(prefix: full) }
        }
        return out
    }

    /// Attaches a fresh adapter (lora_B zero, so outputs are unchanged) to every matching Linear and returns
    /// the adapters' trainable tensors. The base weights are left as they are (freeze them by not optimising them).
    @discardableResult
    public func addLoRA(_ configuration: LoRAConfiguration, using generator: inout SeededGenerator) -> [Tensor] {
        var trainable: [Tensor] = []
        for (name, linear) in namedLinears() where configuration.matches(name) {
            let adapter = LoRAAdapter(inFeatures: linear.inFeatures, outFeatures: linear.outFeatures,
                                      rank: configuration.rank, alpha: configuration.alpha, using: &generator)
            linear.lora = adapter
            adapter.assignParameterNames(prefix: name + ".")
            trainable += adapter.allParameters
        }
        return trainable
    }

    /// The adapters' tensors under "<prefix>.<module>.lora_A.weight" / ".lora_B.weight".
    public func loraStateDict(prefix: String = "unet") -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, linear) in namedLinears() {
            guard let lora = linear.lora else { continue }
            out["\(prefix).\(name).lora_A.weight"] = lora.down.weight
            out["\(prefix).\(name).lora_B.weight"] = lora.up.weight
        }
        return out
    }

    /// Writes the adapters as diffusers' pytorch_lora_weights.safetensors, with the peft metadata.
    public func saveLoRA(to url: URL, prefix: String = "unet") throws(FileWriteError) {
        let adapted = namedLinears().compactMap { name, linear in linear.lora.map { (name, $0) } }
        precondition(!adapted.isEmpty, "saveLoRA: the model has no LoRA adapters")
        let rank = adapted[0].1.rank, alpha = adapted[0].1.alpha
        let targets = Set(adapted.map { $0.0.split(separator: ".").suffix($0.0.hasSuffix("to_out.0") ? 2 : 1).joined(separator: ".") }).sorted()
        let metadata: [String: Any] = ["\(prefix).r": rank, "\(prefix).lora_alpha": alpha, "\(prefix).target_modules": targets,
                                       "\(prefix).bias": "none", "\(prefix).peft_type": "LORA"]
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: metadata, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self)
        try writeSafetensors(loraStateDict(prefix: prefix), metadata: ["format": "pt", "lora_adapter_metadata": json], to: url)
    }

    /// Loads adapters from a diffusers LoRA file, attaching them where the model has none yet. Strict like
    /// `load`: a module the model lacks, a shape that differs, or an attached adapter the file lacks is an error.
    /// alpha comes from the file's peft metadata, else from `alpha`, else equals the rank (diffusers' default).
    public func loadLoRA(_ file: SafetensorsFile, prefix: String = "unet", alpha: Float? = nil) throws(WeightsError) {
        var storedAlpha = alpha
        if let json = file.metadata["lora_adapter_metadata"], let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
           let value = object["\(prefix).lora_alpha"] as? NSNumber {
            storedAlpha = value.floatValue
        }
        let linears = Dictionary(namedLinears(), uniquingKeysWith: { a, _ in a })
        let suffixA = ".lora_A.weight", suffixB = ".lora_B.weight"
        let modules = file.names.filter { $0.hasPrefix(prefix + ".") && $0.hasSuffix(suffixA) }
            .map { String($0.dropFirst(prefix.count + 1).dropLast(suffixA.count)) }
        var unexpected = file.names.filter { $0.hasPrefix(prefix + ".") && !$0.hasSuffix(suffixA) && !$0.hasSuffix(suffixB) }
        var missing: [String] = [], shapes: [WeightsError.ShapeMismatch] = []
        var generator = SeededGenerator(seed: 0)
        for module in modules {
            guard let linear = linears[module] else { unexpected.append("\(prefix).\(module)\(suffixA)"); continue }
            let keyA = "\(prefix).\(module)\(suffixA)", keyB = "\(prefix).\(module)\(suffixB)"
            guard let shapeA = file.shape(of: keyA), shapeA.count == 2 else { continue }
            guard let shapeB = file.shape(of: keyB) else { missing.append(keyB); continue }
            if linear.lora == nil {
                linear.lora = LoRAAdapter(inFeatures: linear.inFeatures, outFeatures: linear.outFeatures, rank: shapeA[0],
                                          alpha: storedAlpha ?? Float(shapeA[0]), using: &generator)
                linear.lora!.assignParameterNames(prefix: module + ".")
            }
            let lora = linear.lora!
            if shapeA != lora.down.weight.shape { shapes.append(.init(name: keyA, expected: lora.down.weight.shape, found: shapeA)) }
            if shapeB != lora.up.weight.shape { shapes.append(.init(name: keyB, expected: lora.up.weight.shape, found: shapeB)) }
        }
        let loaded = Set(modules)
        for (name, linear) in linears where linear.lora != nil && !loaded.contains(name) { missing.append("\(prefix).\(name)\(suffixA)") }
        guard missing.isEmpty, unexpected.isEmpty, shapes.isEmpty else {
            throw .mismatch(path: file.url.path, missing: missing.sorted(), unexpected: unexpected.sorted(), shapes: shapes)
        }
        for module in modules {
            let lora = linears[module]!.lora!
            do {
                lora.down.weight.scalars = try file.tensor("\(prefix).\(module)\(suffixA)").scalars
                lora.up.weight.scalars = try file.tensor("\(prefix).\(module)\(suffixB)").scalars
            } catch { throw .unreadable(error) }
        }
    }
}
