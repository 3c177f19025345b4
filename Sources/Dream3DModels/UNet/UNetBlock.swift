// UNetBlock.swift — the two roles a U-Net stage plays (diffusers get_down_block / get_up_block in
// src/diffusers/models/unets/unet_2d_blocks.py): a down block returns its output and the skip tensors
// the matching up block concatenates back, last first.
import Dream3DCore

public protocol UNetDownBlock: Layer {
    /// x [B, C, H, W] → (output, skips: one per resnet plus one after the downsampler).
    func callAsFunction(_ x: Tensor, temb: Tensor, context: Tensor) -> (Tensor, [Tensor])
}

public protocol UNetUpBlock: Layer {
    /// How many skip tensors the block consumes (one per resnet).
    var resnetCount: Int { get }
    /// x [B, C, H, W], skips in the order the down path made them (the block pops from the end).
    func callAsFunction(_ x: Tensor, skips: [Tensor], temb: Tensor, context: Tensor) -> Tensor
}

/// Indexed children for a ModuleList: ("resnets.0", …), ("resnets.1", …).
func listed(_ name: String, _ layers: [any Layer]) -> [(String, (any Layer)?)] {
    layers.enumerated().map { ("\(name).\($0.offset)", $0.element) }
}
