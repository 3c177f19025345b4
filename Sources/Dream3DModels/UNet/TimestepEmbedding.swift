// TimestepEmbedding.swift — port of diffusers TimestepEmbedding (src/diffusers/models/embeddings.py):
// linear_1 → SiLU → linear_2. Also the "projection" class embedding (a camera vector, DESIGN.md §9).
import Dream3DCore

public final class TimestepEmbedding: Layer {
    let linear1: Linear, linear2: Linear
    public init(inChannels: Int, timeEmbedDim: Int) {
        linear1 = Linear(inChannels, timeEmbedDim)
        linear2 = Linear(timeEmbedDim, timeEmbedDim)
    }
    public var children: [(String, (any Layer)?)] { [("linear_1", linear1), ("linear_2", linear2)] }

    /// x [N, inChannels] → [N, timeEmbedDim].
    public func callAsFunction(_ x: Tensor) -> Tensor { linear2(linear1(x).silu()) }
}
