// CLIPTextConfiguration.swift — text_encoder/config.json, keys verbatim (transformers CLIPTextConfig,
// src/transformers/models/clip/configuration_clip.py). Defaults are CLIPTextConfig's.

public struct CLIPTextConfiguration: Codable, Sendable, Equatable {
    public var vocabSize: Int = 49408
    public var hiddenSize: Int = 512
    public var intermediateSize: Int = 2048
    public var numHiddenLayers: Int = 12
    public var numAttentionHeads: Int = 8
    public var maxPositionEmbeddings: Int = 77
    public var hiddenAct: String = "quick_gelu"
    public var layerNormEps: Float = 1e-5

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
    }
    public init() {}
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfiguration()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? d.layerNormEps
    }

    /// Throws `.unsupported` for an activation or head count this port does not implement.
    public func validate(path: String) throws(ModelError) {
        guard ["quick_gelu", "gelu", "gelu_new"].contains(hiddenAct) else {
            throw .unsupported(path: path, key: "hidden_act", value: hiddenAct, supported: "quick_gelu, gelu, gelu_new")
        }
        guard numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw .unsupported(path: path, key: "num_attention_heads", value: "\(numAttentionHeads)", supported: "a divisor of hidden_size \(hiddenSize)")
        }
    }
}
