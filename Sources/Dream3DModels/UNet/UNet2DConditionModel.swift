// UNet2DConditionModel.swift — port of diffusers UNet2DConditionModel (src/diffusers/models/unets/
// unet_2d_condition.py) for the Stable Diffusion 1.x/2.x family and dream3d's built-in prior: positional
// timestep embedding, optional "projection" class embedding (a conditioning vector such as a camera)
// added to it, conv_in, down blocks, UNetMidBlock2DCrossAttn, up blocks with skips, GroupNorm–SiLU–conv_out.
// Differs: upcast_attention is ignored (Float32 throughout); no addition embeddings, no ControlNet residuals.
import Foundation
import Dream3DCore

public final class UNet2DConditionModel: Layer {
    public let configuration: UNet2DConditionConfiguration
    let timeProj: Timesteps
    let timeEmbedding: TimestepEmbedding
    let classEmbedding: TimestepEmbedding?
    let convIn: Conv2d
    let downBlocks: [any UNetDownBlock]
    let midBlock: UNetMidBlock2DCrossAttn
    let upBlocks: [any UNetUpBlock]
    let convNormOut: GroupNorm
    let convOut: Conv2d

    /// Builds the layers (zero weights) for a validated configuration; call `load` next.
    public init(_ c: UNet2DConditionConfiguration, configPath: String = "unet/config.json") throws(ModelError) {
        try c.validate(path: configPath)
        configuration = c
        let channels = c.blockOutChannels, n = channels.count
        let groups = c.normNumGroups ?? 32, eps = c.normEps ?? 1e-5, crossDim = c.crossAttentionDim
        let layers = c.layersPerBlock.values(count: n)!, heads = c.headsPerBlock
        let linear = c.useLinearProjection ?? false, tembDim = channels[0] * 4
        timeProj = Timesteps(numChannels: channels[0], flipSinToCos: c.flipSinToCos ?? true, downscaleFreqShift: Float(c.freqShift ?? 0))
        timeEmbedding = TimestepEmbedding(inChannels: channels[0], timeEmbedDim: tembDim)
        classEmbedding = c.classEmbedType == "projection" ? TimestepEmbedding(inChannels: c.projectionClassEmbeddingsInputDim!, timeEmbedDim: tembDim) : nil
        convIn = Conv2d(c.inChannels, channels[0], kernel: 3, padding: 1)

        var down: [any UNetDownBlock] = []
        var output = channels[0]
        for (i, type) in c.downBlockTypes.enumerated() {
            let input = output
            output = channels[i]
            let last = i == n - 1
            if type == "CrossAttnDownBlock2D" {
                down.append(CrossAttnDownBlock2D(inChannels: input, outChannels: output, tembChannels: tembDim, layers: layers[i],
                                                 groups: groups, eps: eps, heads: heads[i], crossAttentionDim: crossDim,
                                                 useLinearProjection: linear, addDownsample: !last, downsamplePadding: c.downsamplePadding ?? 1))
            } else {
                down.append(DownBlock2D(inChannels: input, outChannels: output, tembChannels: tembDim, layers: layers[i],
                                        groups: groups, eps: eps, addDownsample: !last, downsamplePadding: c.downsamplePadding ?? 1))
            }
        }
        downBlocks = down
        midBlock = UNetMidBlock2DCrossAttn(channels: channels[n - 1], tembChannels: tembDim, groups: groups, eps: eps,
                                           heads: heads[n - 1], crossAttentionDim: crossDim, useLinearProjection: linear)
        var up: [any UNetUpBlock] = []
        let reversedChannels = Array(channels.reversed()), reversedHeads = Array(heads.reversed()), reversedLayers = Array(layers.reversed())
        output = reversedChannels[0]
        for (i, type) in c.upBlockTypes.enumerated() {
            let previous = output
            output = reversedChannels[i]
            let input = reversedChannels[min(i + 1, n - 1)], last = i == n - 1
            if type == "CrossAttnUpBlock2D" {
                up.append(CrossAttnUpBlock2D(inChannels: input, prevOutputChannels: previous, outChannels: output, tembChannels: tembDim,
                                             layers: reversedLayers[i] + 1, groups: groups, eps: eps, heads: reversedHeads[i],
                                             crossAttentionDim: crossDim, useLinearProjection: linear, addUpsample: !last))
            } else {
                up.append(UpBlock2D(inChannels: input, prevOutputChannels: previous, outChannels: output, tembChannels: tembDim,
                                    layers: reversedLayers[i] + 1, groups: groups, eps: eps, addUpsample: !last))
            }
        }
        upBlocks = up
        convNormOut = GroupNorm(groups: groups, channels: channels[0], eps: eps)
        convOut = Conv2d(channels[0], c.outChannels, kernel: 3, padding: 1)
    }

    /// Reads `folder/config.json` and `folder/diffusion_pytorch_model.safetensors` (F32 or F16).
    public convenience init(folder: URL) throws(ModelLoadError) {
        let configURL = folder.appendingPathComponent("config.json")
        do {
            try self.init(decodeConfiguration(UNet2DConditionConfiguration.self, at: configURL, what: "the U-Net's configuration"),
                          configPath: configURL.path)
        } catch { throw .model(error) }
        try loadWeights(self, folder: folder, names: ["diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors"])
    }

    public var children: [(String, (any Layer)?)] {
        [("time_embedding", timeEmbedding), ("class_embedding", classEmbedding), ("conv_in", convIn)]
            + listed("down_blocks", downBlocks) + [("mid_block", midBlock)] + listed("up_blocks", upBlocks)
            + [("conv_norm_out", convNormOut), ("conv_out", convOut)]
    }

    /// Noise (or v) prediction.
    /// - sample: [B, in, H, W] with H, W divisible by 2^(blocks − 1);
    /// - timesteps: one per batch element (or one for all);
    /// - encoderHiddenStates: [B, L, cross_attention_dim];
    /// - classLabels: [B, projection_class_embeddings_input_dim] when class_embed_type is "projection";
    /// - addedEmbedding: [B, 4·block_out_channels[0]] added to the time (and class) embedding, e.g. VSD's
    ///   trainable camera embedding (threestudio puts it in class_embedding; this U-Net's may be taken).
    /// → [B, out, H, W].
    public func callAsFunction(_ sample: Tensor, timesteps: [Float], encoderHiddenStates: Tensor, classLabels: Tensor? = nil,
                               addedEmbedding: Tensor? = nil) -> Tensor {
        let b = sample.shape[0], factor = 1 << (downBlocks.count - 1)
        precondition(sample.rank == 4 && sample.shape[2] % factor == 0 && sample.shape[3] % factor == 0,
                     "unet: sample \(sample.shape) must be [B, C, H, W] with H and W divisible by \(factor)")
        let steps = timesteps.count == 1 ? Array(repeating: timesteps[0], count: b) : timesteps
        precondition(steps.count == b, "unet: \(timesteps.count) timesteps for a batch of \(b)")
        var emb = timeEmbedding(timeProj(steps))
        if let classEmbedding {
            guard let classLabels else { preconditionFailure("unet: class_embed_type projection needs classLabels [\(b), n]") }
            emb = emb + classEmbedding(classLabels)
        }
        if let addedEmbedding { emb = emb + addedEmbedding }
        var h = convIn(sample)
        var skips = [h]
        for block in downBlocks {
            let (out, blockSkips) = block(h, temb: emb, context: encoderHiddenStates)
            h = out
            skips += blockSkips
        }
        h = midBlock(h, temb: emb, context: encoderHiddenStates)
        for block in upBlocks {
            let used = Array(skips.suffix(block.resnetCount))
            skips.removeLast(block.resnetCount)
            h = block(h, skips: used, temb: emb, context: encoderHiddenStates)
        }
        return convOut(convNormOut(h).silu())
    }
}
