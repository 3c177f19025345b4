// UNet2DConditionConfiguration.swift — unet/config.json, keys verbatim (diffusers UNet2DConditionModel
// __init__ arguments, src/diffusers/models/unets/unet_2d_condition.py). Keys we do not read are ignored;
// keys whose non-default values we do not implement are checked by `validate` and named in the error.
import Foundation

public struct UNet2DConditionConfiguration: Codable, Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var blockOutChannels: [Int]
    public var downBlockTypes: [String]
    public var upBlockTypes: [String]
    public var midBlockType: String?
    public var layersPerBlock: PerBlock<Int>
    public var crossAttentionDim: Int
    /// SD 1.x/2.x store the number of *heads* here (diffusers: num_attention_heads = num_attention_heads or attention_head_dim).
    public var attentionHeadDim: PerBlock<Int>?
    public var numAttentionHeads: PerBlock<Int>?
    public var transformerLayersPerBlock: PerBlock<Int>?
    public var useLinearProjection: Bool?
    public var classEmbedType: String?
    public var projectionClassEmbeddingsInputDim: Int?
    public var normNumGroups: Int?
    public var normEps: Float?
    public var flipSinToCos: Bool?
    public var freqShift: Int?
    public var downsamplePadding: Int?
    public var actFn: String?
    public var additionEmbedType: String?
    public var timeEmbeddingType: String?
    public var resnetTimeScaleShift: String?
    public var onlyCrossAttention: Bool?
    public var dualCrossAttention: Bool?
    public var upcastAttention: Bool?
    public var centerInputSample: Bool?
    public var sampleSize: Int?

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", blockOutChannels = "block_out_channels"
        case downBlockTypes = "down_block_types", upBlockTypes = "up_block_types", midBlockType = "mid_block_type"
        case layersPerBlock = "layers_per_block", crossAttentionDim = "cross_attention_dim"
        case attentionHeadDim = "attention_head_dim", numAttentionHeads = "num_attention_heads"
        case transformerLayersPerBlock = "transformer_layers_per_block", useLinearProjection = "use_linear_projection"
        case classEmbedType = "class_embed_type", projectionClassEmbeddingsInputDim = "projection_class_embeddings_input_dim"
        case normNumGroups = "norm_num_groups", normEps = "norm_eps", flipSinToCos = "flip_sin_to_cos", freqShift = "freq_shift"
        case downsamplePadding = "downsample_padding", actFn = "act_fn", additionEmbedType = "addition_embed_type"
        case timeEmbeddingType = "time_embedding_type", resnetTimeScaleShift = "resnet_time_scale_shift"
        case onlyCrossAttention = "only_cross_attention", dualCrossAttention = "dual_cross_attention"
        case upcastAttention = "upcast_attention", centerInputSample = "center_input_sample", sampleSize = "sample_size"
    }

    /// The heads of each block (num_attention_heads if given, else attention_head_dim, else 8 as diffusers).
    public var headsPerBlock: [Int] {
        (numAttentionHeads ?? attentionHeadDim ?? .all(8)).values(count: blockOutChannels.count) ?? []
    }

    /// Throws `.unsupported` naming the first key whose value this port does not implement.
    public func validate(path: String) throws(ModelError) {
        func check(_ ok: Bool, _ key: String, _ value: String, _ supported: String) throws(ModelError) {
            if !ok { throw .unsupported(path: path, key: key, value: value, supported: supported) }
        }
        let n = blockOutChannels.count
        try check(n > 0, "block_out_channels", "\(blockOutChannels)", "a non-empty list")
        for type in downBlockTypes {
            try check(["CrossAttnDownBlock2D", "DownBlock2D"].contains(type), "down_block_types", type, "CrossAttnDownBlock2D, DownBlock2D")
        }
        for type in upBlockTypes {
            try check(["CrossAttnUpBlock2D", "UpBlock2D"].contains(type), "up_block_types", type, "CrossAttnUpBlock2D, UpBlock2D")
        }
        try check(downBlockTypes.count == n, "down_block_types", "\(downBlockTypes.count) blocks", "one per block_out_channels entry (\(n))")
        try check(upBlockTypes.count == n, "up_block_types", "\(upBlockTypes.count) blocks", "one per block_out_channels entry (\(n))")
        try check((midBlockType ?? "UNetMidBlock2DCrossAttn") == "UNetMidBlock2DCrossAttn", "mid_block_type", midBlockType ?? "", "UNetMidBlock2DCrossAttn")
        try check(layersPerBlock.values(count: n) != nil, "layers_per_block", "\(layersPerBlock)", "one int or one per block")
        try check(headsPerBlock.count == n, "attention_head_dim", "\(String(describing: attentionHeadDim))", "one int or one per block")
        for (heads, channels) in zip(headsPerBlock, blockOutChannels) {
            try check(heads > 0 && channels % heads == 0, "attention_head_dim", "\(heads)", "a head count dividing the block's \(channels) channels")
        }
        try check((transformerLayersPerBlock ?? .all(1)).values(count: n)?.allSatisfy { $0 == 1 } ?? false, "transformer_layers_per_block",
                  "\(String(describing: transformerLayersPerBlock))", "1 (SD 1.x/2.x)")
        try check(classEmbedType == nil || classEmbedType == "projection", "class_embed_type", classEmbedType ?? "null", "null, projection")
        try check(classEmbedType != "projection" || projectionClassEmbeddingsInputDim != nil, "projection_class_embeddings_input_dim", "null", "an int when class_embed_type is projection")
        try check(additionEmbedType == nil, "addition_embed_type", additionEmbedType ?? "", "null")
        try check((timeEmbeddingType ?? "positional") == "positional", "time_embedding_type", timeEmbeddingType ?? "", "positional")
        try check((resnetTimeScaleShift ?? "default") == "default", "resnet_time_scale_shift", resnetTimeScaleShift ?? "", "default")
        try check((actFn ?? "silu") == "silu", "act_fn", actFn ?? "", "silu")
        try check(onlyCrossAttention != true, "only_cross_attention", "true", "false")
        try check(dualCrossAttention != true, "dual_cross_attention", "true", "false")
        try check(centerInputSample != true, "center_input_sample", "true", "false")
        try check(normNumGroups.map { g in blockOutChannels.allSatisfy { $0 % g == 0 } } ?? true, "norm_num_groups", "\(normNumGroups ?? 32)", "a divisor of every block_out_channels entry")
    }
}
