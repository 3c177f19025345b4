// DensityGrid.swift — the density field sampled on an N³ lattice over the scene bounds, the input of
// marching cubes. Sampling walks the grid in fixed-size batches spread over the cores: besides the grid
// itself, only one batch of points and densities per worker is alive, so a NeRF field evaluated at 256³
// (16.8 M points) never needs 16.8 M positions or activations at once.
import Dream3DCore

/// Densities on an N³ lattice spanning `bounds`, corners included: sample (i, j, k) sits at
/// bounds.min + (i, j, k) · spacing with spacing = bounds.size / (N − 1). values: [N³], x fastest:
/// values[i + N·(j + N·k)].
public struct DensityGrid: Sendable {
    public let resolution: Int
    public let bounds: AxisAlignedBox
    public let values: [Float]

    /// Wraps already-sampled values; `marchingCubes` checks resolution and bounds.
    public init(resolution: Int, bounds: AxisAlignedBox, values: [Float]) {
        precondition(resolution >= 0 && values.count == resolution * resolution * resolution,
                     "grid holds \(values.count) values for \(resolution)³")
        self.resolution = resolution
        self.bounds = bounds
        self.values = values
    }

    /// Distance between neighbouring samples along each axis.
    public var spacing: SIMD3<Float> { bounds.size / Float(Swift.max(1, resolution - 1)) }

    /// Evaluates `density` at every lattice point, `batchSize` points per call, batches in parallel.
    /// Throws for a resolution below 2 or invalid bounds before calling the field at all.
    public static func sample(_ density: DensityField, bounds: AxisAlignedBox, resolution: Int,
                              batchSize: Int = 65_536) throws(MeshError) -> DensityGrid {
        guard resolution >= 2 else { throw .gridTooSmall(resolution: resolution) }
        guard bounds.isValid else { throw .invalidBounds(min: bounds.min, max: bounds.max) }
        precondition(batchSize > 0, "batch size \(batchSize)")
        let n = resolution, count = n * n * n
        let origin = bounds.min, step = bounds.size / Float(n - 1)
        let batches = (count + batchSize - 1) / batchSize
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBufferPointer { out in
            let out = out.baseAddress!
            parallelFor(batches) { b in
                let range = (b * batchSize)..<Swift.min(count, (b + 1) * batchSize)
                var points = [SIMD3<Float>]()
                points.reserveCapacity(range.count)
                for index in range {
                    let i = index % n, j = (index / n) % n, k = index / (n * n)
                    points.append(origin + SIMD3(Float(i), Float(j), Float(k)) * step)
                }
                let densities = density(points)
                precondition(densities.count == points.count,
                             "density field returned \(densities.count) values for \(points.count) points")
                densities.withUnsafeBufferPointer { d in
                    (out + range.lowerBound).update(from: d.baseAddress!, count: d.count)
                }
            }
        }
        return DensityGrid(resolution: n, bounds: bounds, values: values)
    }

    /// The smallest and largest finite density (nil if there is none) and how many are NaN or ±∞.
    /// One pass in parallel batches; min and max do not depend on the order they are combined in.
    public func densityStatistics() -> (range: ClosedRange<Float>?, nonFiniteCount: Int) {
        let count = values.count, batch = 1 << 18
        let batches = Swift.max(1, (count + batch - 1) / batch)
        var lows = [Float](repeating: .infinity, count: batches)
        var highs = [Float](repeating: -.infinity, count: batches)
        var bad = [Int](repeating: 0, count: batches)
        values.withUnsafeBufferPointer { v in
            lows.withUnsafeMutableBufferPointer { lows in
                highs.withUnsafeMutableBufferPointer { highs in
                    bad.withUnsafeMutableBufferPointer { bad in
                        parallelFor(batches) { b in
                            var low = Float.infinity, high = -Float.infinity, nonFinite = 0
                            for i in (b * batch)..<Swift.min(count, (b + 1) * batch) {
                                let x = v[i]
                                if x.isFinite { low = Swift.min(low, x); high = Swift.max(high, x) } else { nonFinite += 1 }
                            }
                            lows[b] = low; highs[b] = high; bad[b] = nonFinite
                        }
                    }
                }
            }
        }
        let low = lows.min()!, high = highs.max()!
        return (low <= high ? low...high : nil, bad.reduce(0, +))
    }
}
