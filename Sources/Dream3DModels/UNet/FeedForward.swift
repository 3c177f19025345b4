// FeedForward.swift — port of diffusers FeedForward with activation_fn "geglu" and GEGLU
// (src/diffusers/models/attention.py, activations.py): net.0 = GEGLU (proj to 2·inner, value·gelu(gate)
// with the exact erf GELU), net.1 dropout (identity), net.2 Linear(inner → dim). inner = 4·dim.
import Dream3DCore

public final class GEGLU: Layer {
    let proj: Linear
    public init(dimIn: Int, dimOut: Int) { proj = Linear(dimIn, dimOut * 2) }
    public var children: [(String, (any Layer)?)] { [("proj", proj)] }

    /// x [..., dimIn] → [..., dimOut]: the first half of proj(x) times GELU of the second half.
    public func callAsFunction(_ x: Tensor) -> Tensor { proj(x).geglu() }
}

public final class FeedForward: Layer {
    let geglu: GEGLU, out: Linear
    public init(dim: Int, mult: Int = 4) {
        geglu = GEGLU(dimIn: dim, dimOut: dim * mult)
        out = Linear(dim * mult, dim)
    }
    public var children: [(String, (any Layer)?)] { [("net.0", geglu), ("net.2", out)] }

    /// x [..., dim] → [..., dim].
    public func callAsFunction(_ x: Tensor) -> Tensor { out(geglu(x)) }
}
