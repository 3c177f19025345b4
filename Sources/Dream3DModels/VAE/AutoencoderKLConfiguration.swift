// AutoencoderKLConfiguration.swift — vae/config.json, keys verbatim (diffusers AutoencoderKL __init__,
// src/diffusers/models/autoencoders/autoencoder_kl.py). Defaults are AutoencoderKL's.

public struct AutoencoderKLConfiguration: Codable, Sendable, Equatable {
    public var inChannels = 3
    public var outChannels = 3
    public var downBlockTypes = ["DownEncoderBlock2D"]
    public var upBlockTypes = ["UpDecoderBlock2D"]
    public var blockOutChannels = [64]
    public var layersPerBlock = 1
    public var actFn = "silu"
    public var latentChannels = 4
    public var normNumGroups = 32
    public var scalingFactor: Float = 0.18215
    public var useQuantConv = true
    public var usePostQuantConv = true
    public var midBlockAddAttention = true

    enum CodingKeys: String, CodingKey {
        case inChannels = "in_channels", outChannels = "out_channels", downBlockTypes = "down_block_types"
        case upBlockTypes = "up_block_types", blockOutChannels = "block_out_channels", layersPerBlock = "layers_per_block"
        case actFn = "act_fn", latentChannels = "latent_channels", normNumGroups = "norm_num_groups"
        case scalingFactor = "scaling_factor", useQuantConv = "use_quant_conv", usePostQuantConv = "use_post_quant_conv"
        case midBlockAddAttention = "mid_block_add_attention"
    }
    public init() {}
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AutoencoderKLConfiguration()
        inChannels = try c.decodeIfPresent(Int.self, forKey: .inChannels) ?? d.inChannels
        outChannels = try c.decodeIfPresent(Int.self, forKey: .outChannels) ?? d.outChannels
        downBlockTypes = try c.decodeIfPresent([String].self, forKey: .downBlockTypes) ?? d.downBlockTypes
        upBlockTypes = try c.decodeIfPresent([String].self, forKey: .upBlockTypes) ?? d.upBlockTypes
        blockOutChannels = try c.decodeIfPresent([Int].self, forKey: .blockOutChannels) ?? d.blockOutChannels
        layersPerBlock = try c.decodeIfPresent(Int.self, forKey: .layersPerBlock) ?? d.layersPerBlock
        actFn = try c.decodeIfPresent(String.self, forKey: .actFn) ?? d.actFn
        latentChannels = try c.decodeIfPresent(Int.self, forKey: .latentChannels) ?? d.latentChannels
        normNumGroups = try c.decodeIfPresent(Int.self, forKey: .normNumGroups) ?? d.normNumGroups
        scalingFactor = try c.decodeIfPresent(Float.self, forKey: .scalingFactor) ?? d.scalingFactor
        useQuantConv = try c.decodeIfPresent(Bool.self, forKey: .useQuantConv) ?? d.useQuantConv
        usePostQuantConv = try c.decodeIfPresent(Bool.self, forKey: .usePostQuantConv) ?? d.usePostQuantConv
        midBlockAddAttention = try c.decodeIfPresent(Bool.self, forKey: .midBlockAddAttention) ?? d.midBlockAddAttention
    }

    public func validate(path: String) throws(ModelError) {
        func check(_ ok: Bool, _ key: String, _ value: String, _ supported: String) throws(ModelError) {
            if !ok { throw .unsupported(path: path, key: key, value: value, supported: supported) }
        }
        for t in downBlockTypes { try check(t == "DownEncoderBlock2D", "down_block_types", t, "DownEncoderBlock2D") }
        for t in upBlockTypes { try check(t == "UpDecoderBlock2D", "up_block_types", t, "UpDecoderBlock2D") }
        try check(downBlockTypes.count == blockOutChannels.count && upBlockTypes.count == blockOutChannels.count,
                  "block_out_channels", "\(blockOutChannels)", "one entry per down and up block")
        try check(actFn == "silu", "act_fn", actFn, "silu")
        try check(blockOutChannels.allSatisfy { $0 % normNumGroups == 0 }, "norm_num_groups", "\(normNumGroups)", "a divisor of every block_out_channels entry")
    }
}
