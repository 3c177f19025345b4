// DensityPieces.swift — the solid {density > threshold} of a grid and the empty space around it as
// connected pieces of samples, and the two clean-ups built on them that go with closing gaps
// (DensityClosing.swift): floating specks emptied before the closing, so that it cannot merge a cloud of
// specks into one piece big enough to keep, and sealed cavities filled after it, since a slit the closing
// seals over leaves an inner shell that no camera ever sees.
//
// Connectivity: the solid's samples join across faces, edges and corners (26 neighbours), the empty
// space's across faces only (6): the usual complementary pair, with which a thin diagonal wall of solid
// seals the space on its two sides from each other.

extension DensityGrid {
    /// Sets every piece of the solid that holds fewer than `minFraction` of the solid's samples to the
    /// grid's smallest value, as empty as any sample. (Not to `threshold` itself: the closing would carry
    /// that value next to the surface, where marching cubes would put vertices exactly on samples, and
    /// welding those coincident vertices left non-manifold edges.)
    public func removingSmallPieces(threshold: Float, minFraction: Double) -> DensityGrid {
        let (labels, sizes) = connectedPieces(values.map { $0 > threshold }, diagonal: true)
        let minimum = minFraction * Double(sizes.reduce(0, +))
        guard let empty = values.min(), empty <= threshold else { return self }
        var values = self.values
        for i in values.indices where labels[i] >= 0 && Double(sizes[Int(labels[i])]) < minimum { values[i] = empty }
        return DensityGrid(resolution: resolution, bounds: bounds, values: values)
    }

    /// Sets every sample of the empty space that no path of empty samples joins to the grid's faces (the
    /// space beyond them is empty: MarchingCubes.swift) to the grid's largest value.
    public func fillingCavities(threshold: Float) -> DensityGrid {
        let (labels, sizes) = connectedPieces(values.map { $0 <= threshold }, diagonal: false)
        let n = resolution
        var reachesFace = [Bool](repeating: false, count: sizes.count)
        for k in 0..<n { for j in 0..<n { for i in 0..<n where i == 0 || j == 0 || k == 0 || i == n - 1 || j == n - 1 || k == n - 1 {
            let label = labels[i + n * (j + n * k)]
            if label >= 0 { reachesFace[Int(label)] = true }
        } } }
        guard reachesFace.contains(false), let solid = values.max() else { return self }
        var values = self.values
        for i in values.indices where labels[i] >= 0 && !reachesFace[Int(labels[i])] { values[i] = solid }
        return DensityGrid(resolution: resolution, bounds: bounds, values: values)
    }

    /// Labels the connected pieces of the samples where `member` is true, in scan order (−1: not a
    /// member), by flood fill; `sizes[label]` counts each piece's samples.
    private func connectedPieces(_ member: [Bool], diagonal: Bool) -> (labels: [Int32], sizes: [Int]) {
        let n = resolution
        var offsets: [(dx: Int, dy: Int, dz: Int, step: Int)] = []      // neighbour and its index offset
        for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
            let steps = abs(dx) + abs(dy) + abs(dz)
            if steps > 0 && (diagonal || steps == 1) { offsets.append((dx, dy, dz, dx + n * (dy + n * dz))) }
        } } }
        var labels = [Int32](repeating: -1, count: member.count), sizes: [Int] = [], stack: [Int] = []
        for seed in member.indices where member[seed] && labels[seed] < 0 {
            let label = Int32(sizes.count)
            var size = 0
            labels[seed] = label
            stack.append(seed)
            while let index = stack.popLast() {
                size += 1
                let i = index % n, j = (index / n) % n, k = index / (n * n)
                let interior = i > 0 && j > 0 && k > 0 && i < n - 1 && j < n - 1 && k < n - 1
                for o in offsets {
                    // Off the grid? Only samples on its faces need the check.
                    if !interior && !(0..<n ~= i + o.dx && 0..<n ~= j + o.dy && 0..<n ~= k + o.dz) { continue }
                    let neighbour = index + o.step
                    if member[neighbour] && labels[neighbour] < 0 { labels[neighbour] = label; stack.append(neighbour) }
                }
            }
            sizes.append(size)
        }
        return (labels, sizes)
    }
}
