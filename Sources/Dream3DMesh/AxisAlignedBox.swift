// AxisAlignedBox.swift — the scene bounds a density grid covers.

/// The box [min, max] in scene units, e.g. the renderer's bound [-1, 1]³.
public struct AxisAlignedBox: Sendable, Equatable {
    public var min: SIMD3<Float>
    public var max: SIMD3<Float>

    public init(min: SIMD3<Float>, max: SIMD3<Float>) {
        self.min = min
        self.max = max
    }

    /// The cube center ± halfSize on every axis.
    public init(center: SIMD3<Float> = .zero, halfSize: Float) {
        self.init(min: center - halfSize, max: center + halfSize)
    }

    /// max − min.
    public var size: SIMD3<Float> { max - min }

    /// Finite and strictly positive along every axis: a box a grid can span.
    public var isValid: Bool {
        (min.x.isFinite && min.y.isFinite && min.z.isFinite && max.x.isFinite && max.y.isFinite && max.z.isFinite)
            && min.x < max.x && min.y < max.y && min.z < max.z
    }
}
