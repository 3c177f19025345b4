// CLIPTextModel.swift — port of transformers CLIPTextModel / CLIPTextTransformer (modeling_clip.py):
// token + position embeddings, pre-LN encoder layers with a causal mask, final_layer_norm; returns
// last_hidden_state (what Stable Diffusion conditions on). The pooled output is not computed.
// Checkpoints name the tensors "text_model.embeddings…" (transformers 4, every SD release) or, as
// transformers 5 saves them, "embeddings…"; both load. The position_ids buffer is ignored.
import Foundation
import Dream3DCore

public final class CLIPTextModel: Layer {
    public let configuration: CLIPTextConfiguration
    let tokenEmbedding: Tensor, positionEmbedding: Tensor
    let layers: [CLIPEncoderLayer]
    let finalLayerNorm: LayerNorm

    public init(_ c: CLIPTextConfiguration, configPath: String = "text_encoder/config.json") throws(ModelError) {
        try c.validate(path: configPath)
        configuration = c
        tokenEmbedding = .parameter([c.vocabSize, c.hiddenSize], scalars: .init(repeating: 0, count: c.vocabSize * c.hiddenSize))
        positionEmbedding = .parameter([c.maxPositionEmbeddings, c.hiddenSize], scalars: .init(repeating: 0, count: c.maxPositionEmbeddings * c.hiddenSize))
        layers = (0..<c.numHiddenLayers).map { _ in CLIPEncoderLayer(c) }
        finalLayerNorm = LayerNorm(c.hiddenSize, eps: c.layerNormEps)
    }

    /// Reads `folder/config.json` and `folder/model.safetensors` (F32 or F16).
    public convenience init(folder: URL) throws(ModelLoadError) {
        let configURL = folder.appendingPathComponent("config.json")
        do {
            try self.init(decodeConfiguration(CLIPTextConfiguration.self, at: configURL, what: "the text encoder's configuration"),
                          configPath: configURL.path)
        } catch { throw .model(error) }
        let names = ["model.safetensors", "model.fp16.safetensors"]
        guard let url = names.lazy.map({ folder.appendingPathComponent($0) }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw .model(.missingFile(path: folder.appendingPathComponent(names[0]).path, what: "the text encoder's weights"))
        }
        let prefix = (try? SafetensorsFile(contentsOf: url))?.contains("text_model.final_layer_norm.weight") == true ? "text_model." : ""
        try loadWeights(self, folder: folder, names: [url.lastPathComponent], prefix: prefix,
                        ignoring: [prefix + "embeddings.position_ids"])
    }

    public var parameters: [(String, Tensor)] { [] }
    public var children: [(String, (any Layer)?)] {
        [("embeddings", CLIPEmbeddingsView(token: tokenEmbedding, position: positionEmbedding))]
            + listed("encoder.layers", layers) + [("final_layer_norm", finalLayerNorm)]
    }

    /// ids: B rows of L token ids (L ≤ max_position_embeddings) → last_hidden_state [B, L, hidden].
    public func callAsFunction(_ ids: [[Int]]) -> Tensor {
        let b = ids.count, l = ids.first?.count ?? 0, d = configuration.hiddenSize
        precondition(ids.allSatisfy { $0.count == l } && l <= configuration.maxPositionEmbeddings, "clip: ragged or over-long ids")
        let tokens = Tensor.embedding(ids.flatMap { $0 }, table: tokenEmbedding).reshaped([b, l, d])
        let positions = Tensor.embedding(Array(0..<l), table: positionEmbedding).reshaped([1, l, d])
        var h = tokens + positions
        for layer in layers { h = layer(h) }
        return finalLayerNorm(h)
    }
}

/// The two embedding tables under their checkpoint names ("token_embedding.weight", "position_embedding.weight").
final class CLIPEmbeddingsView: Layer {
    let token: Tensor, position: Tensor
    init(token: Tensor, position: Tensor) { self.token = token; self.position = position }
    var parameters: [(String, Tensor)] { [("token_embedding.weight", token), ("position_embedding.weight", position)] }
}
