// DensityClosing.swift — morphological closing of a density grid before marching cubes: fills slits and
// gaps narrower than the closing's width, leaves the rest of the surface where it was.
//
// Why: score distillation sees its scene only through renders whose pixel is several grid samples wide
// (the built-in prior's 32² image of the ~1.45-unit view is 0.045 units a pixel). A slit narrower than a
// pixel or two — a snowman's balls a hair apart, a robot's head floating over its body — barely shows in
// any render, so nothing in training closes it, yet marching cubes at 128³ resolves it and cuts the mesh
// in pieces. Closing = dilation then erosion (Serra 1982): grayscale, with a flat cube, each a running
// max (min) along x, then y, then z. Thresholding commutes with flat filters, so the surface at any
// threshold is the binary closing of the original solid at that threshold: a superset of it, equal to it
// wherever a cube of the closing's size fits into the empty side (convex parts, holes wider than the
// cube: a mug's handle stays open). There the values beside the surface, which place it between samples,
// barely change: a ball's surface moves by under 0.1% of its radius (DensityClosingTests).
import Dream3DCore

extension DensityGrid {
    /// The grid with gaps up to about 2·radius samples wide closed, as the export uses it: specks under
    /// `minPieceFraction` of the solid emptied first, sealed cavities filled after (DensityPieces.swift).
    public func closingGaps(radius: Int, threshold: Float, minPieceFraction: Double) -> DensityGrid {
        guard radius > 0 else { return self }
        return removingSmallPieces(threshold: threshold, minFraction: minPieceFraction)
            .closed(radius: radius)
            .fillingCavities(threshold: threshold)
    }

    /// Grayscale closing with a cube of (2·radius + 1)³ samples: each sample becomes the smallest, over
    /// the cube around it, of the largest density in the cube around that. Gaps up to about 2·radius
    /// samples wide fill; a grid with NaN or ±∞ is returned unchanged for `marchingCubes` to report.
    public func closed(radius: Int) -> DensityGrid {
        precondition(radius >= 0, "closing radius \(radius)")
        guard radius > 0, resolution > 1, densityStatistics().nonFiniteCount == 0 else { return self }
        var values = self.values
        for axis in 0..<3 { runningExtreme(&values, axis: axis, radius: radius, largest: true) }
        for axis in 0..<3 { runningExtreme(&values, axis: axis, radius: radius, largest: false) }
        return DensityGrid(resolution: resolution, bounds: bounds, values: values)
    }

    /// Replaces every value by the largest (or smallest) of the values within `radius` samples along
    /// `axis` (the window clipped at the grid's faces), one grid line per task.
    private func runningExtreme(_ values: inout [Float], axis: Int, radius: Int, largest: Bool) {
        let n = resolution, strides = [1, n, n * n]
        let stride = strides[axis], across = strides.enumerated().filter { $0.offset != axis }.map(\.element)
        values.withUnsafeMutableBufferPointer { grid in
            let grid = grid.baseAddress!
            parallelChunks(n * n, minChunk: 64) { lines in
                var line = [Float](repeating: 0, count: n)
                for l in lines {
                    let start = (l % n) * across[0] + (l / n) * across[1]      // the other two indices
                    for i in 0..<n { line[i] = largest ? grid[start + i * stride] : -grid[start + i * stride] }
                    for i in 0..<n {               // the smallest is the negated largest of the negated values
                        var extreme = line[i]
                        for j in Swift.max(0, i - radius)...Swift.min(n - 1, i + radius) { extreme = Swift.max(extreme, line[j]) }
                        grid[start + i * stride] = largest ? extreme : -extreme
                    }
                }
            }
        }
    }
}
