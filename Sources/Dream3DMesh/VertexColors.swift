// VertexColors.swift — per-vertex colour from the scene's albedo field, queried at the final vertex
// positions (after clean-up and smoothing), in batches spread over the cores like DensityGrid.sample.
import Dream3DCore

extension Mesh {
    /// The mesh with `colors` set to albedo(position) clamped to [0, 1] (NaN becomes 0).
    public func withVertexColors(_ albedo: AlbedoField, batchSize: Int = 65_536) -> Mesh {
        precondition(batchSize > 0, "batch size \(batchSize)")
        let count = positions.count, batches = (count + batchSize - 1) / batchSize
        var colors = [SIMD3<Float>](repeating: .zero, count: count)
        positions.withUnsafeBufferPointer { positions in
            colors.withUnsafeMutableBufferPointer { colors in
                let colors = colors.baseAddress!
                parallelFor(batches) { b in
                    let range = (b * batchSize)..<Swift.min(count, (b + 1) * batchSize)
                    let rgb = albedo(Array(positions[range]))
                    precondition(rgb.count == range.count, "albedo field returned \(rgb.count) colours for \(range.count) points")
                    for (i, c) in zip(range, rgb) {
                        // replacing(with:where:) maps NaN (which fails c .>= 0) to 0 before clamping.
                        colors[i] = c.replacing(with: 0, where: .!(c .>= 0)).clamped(lowerBound: .zero, upperBound: .one)
                    }
                }
            }
        }
        var mesh = self
        mesh.colors = colors
        return mesh
    }
}
