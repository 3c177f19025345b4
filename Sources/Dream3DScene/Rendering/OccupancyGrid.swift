// OccupancyGrid.swift — which cells of the scene box hold anything, so rays skip empty space
// (Instant-NGP §4 "accelerated ray marching"; the update rule of nerfacc's OccGridEstimator):
// every few steps each cell's density is probed at a random point inside it, the cell keeps
// max(decay · previous, σ·δ) (an opacity per marching step), and a cell is occupied while that value
// exceeds min(mean over cells, threshold). The grid starts fully occupied.
import Dream3DCore

public final class OccupancyGrid {
    public let resolution: Int
    /// The grid covers [−radius, radius]³.
    public let radius: Float
    public var decay: Float = 0.95
    /// Opacity σ·δ above which a cell is always occupied (nerfacc's occ_thre).
    public var threshold: Float = 0.01
    /// Per-cell decayed maximum of σ·δ.
    public private(set) var values: [Float]
    public private(set) var occupied: [Bool]

    public init(resolution: Int = 64, radius: Float = 1) {
        self.resolution = resolution
        self.radius = radius
        values = zeroedStorage(resolution * resolution * resolution)
        occupied = [Bool](repeating: true, count: resolution * resolution * resolution)
    }

    /// Fraction of cells marked occupied.
    public var occupiedFraction: Float { Float(occupied.lazy.filter { $0 }.count) / Float(occupied.count) }

    /// Re-probes every cell with `density` (σ at world points, evaluated without gradients) for
    /// marching steps of length `stepSize`.
    public func update(density: ([Float]) -> [Float], stepSize: Float, using generator: inout SeededGenerator) {
        let n = resolution, cells = n * n * n, cellSize = 2 * radius / Float(n)
        let jitter = generator.uniforms(3 * cells)
        var points = zeroedStorage(3 * cells)
        for cell in 0..<cells {
            let index = [cell % n, (cell / n) % n, cell / (n * n)]
            for a in 0..<3 { points[3 * cell + a] = -radius + (Float(index[a]) + jitter[3 * cell + a]) * cellSize }
        }
        let sigma = density(points)
        for cell in 0..<cells { values[cell] = max(values[cell] * decay, sigma[cell] * stepSize) }
        let cut = min(values.reduce(0, +) / Float(cells), threshold)
        for cell in 0..<cells { occupied[cell] = values[cell] > cut }
    }

    /// Restores a grid saved from `values` (the occupancy follows from them as in `update`); used to
    /// resume training exactly. Precondition: one value per cell.
    public func restore(values saved: [Float], occupied savedOccupancy: [Bool]) {
        precondition(saved.count == values.count && savedOccupancy.count == occupied.count,
                     "occupancy grid of \(values.count) cells restored from \(saved.count) values")
        values = saved
        occupied = savedOccupancy
    }

    /// Whether the cell holding world point (x, y, z) is occupied (points outside the box are not).
    @inline(__always)
    public func isOccupied(_ x: Float, _ y: Float, _ z: Float) -> Bool {
        let scale = Float(resolution) / (2 * radius)
        let i = Int((x + radius) * scale), j = Int((y + radius) * scale), k = Int((z + radius) * scale)
        guard x >= -radius, y >= -radius, z >= -radius, i < resolution, j < resolution, k < resolution else { return false }
        return occupied[(k * resolution + j) * resolution + i]
    }
}
