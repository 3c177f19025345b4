// MeshVoxelization.swift — the inside of a closed mesh on an n³ grid, for comparing a generated mesh with
// a procedural shape by occupancy IoU (issue 9's quality gate; Dream3DShapes' occupancyGrid samples the
// shapes on the same grid). Every column of cell centres along z is a ray: it crosses the surface where
// the triangles' xy projections hold the column, and the cells between the 1st and 2nd crossing, the 3rd
// and 4th, … are inside (the even–odd rule, exact for a closed mesh).
//
// Marching cubes puts vertices on lattice lines, so a column through cell centres can run exactly along
// a triangle edge, where both triangles (or neither) would count it. The columns are therefore moved
// by a ten-thousandth of a cell, off every line a grid-aligned mesh can have.

extension Mesh {
    /// Occupancy at the centres of an n³ grid over `bounds`, x fastest then y then z (the layout of
    /// Dream3DShapes' `occupancyGrid`): true inside the mesh by the even–odd rule along z. An open mesh
    /// gets some columns wrong; `isWatertight` says whether to trust it.
    public func occupancyGrid(resolution n: Int = 64, bounds: AxisAlignedBox = AxisAlignedBox(halfSize: 1)) -> [Bool] {
        precondition(n >= 1 && bounds.isValid, "occupancy grid of side \(n) over \(bounds)")
        let cell = bounds.size / Float(n)
        // Column (i, j) is the vertical line through x = min.x + (i + 0.5 + δx)·cell.x, likewise y.
        let offset = SIMD2<Float>(0.5 + 1.37e-4, 0.5 + 0.91e-4)
        var crossings = [[Float]](repeating: [], count: n * n)
        for t in triangles {
            let a = positions[Int(t.x)], b = positions[Int(t.y)], c = positions[Int(t.z)]
            // Corners in column units: column (i, j) sits at (i, j) + offset.
            let pa = SIMD2((a.x - bounds.min.x) / cell.x, (a.y - bounds.min.y) / cell.y)
            let pb = SIMD2((b.x - bounds.min.x) / cell.x, (b.y - bounds.min.y) / cell.y)
            let pc = SIMD2((c.x - bounds.min.x) / cell.x, (c.y - bounds.min.y) / cell.y)
            let area = cross2(pb - pa, pc - pa)
            guard area != 0, area.isFinite else { continue }        // seen edge-on from above: no column crosses it
            let low = pointwiseMin(pa, pointwiseMin(pb, pc)) - offset, high = pointwiseMax(pa, pointwiseMax(pb, pc)) - offset
            let i0 = max(0, Int((low.x).rounded(.up))), i1 = min(n - 1, Int((high.x).rounded(.down)))
            let j0 = max(0, Int((low.y).rounded(.up))), j1 = min(n - 1, Int((high.y).rounded(.down)))
            guard i0 <= i1, j0 <= j1 else { continue }
            for j in j0...j1 {
                for i in i0...i1 {
                    let p = SIMD2(Float(i), Float(j)) + offset
                    // Barycentric weights of p; all of one sign with the area when p is inside.
                    let wa = cross2(pb - p, pc - p) / area, wb = cross2(pc - p, pa - p) / area, wc = 1 - wa - wb
                    guard wa >= 0, wb >= 0, wc >= 0 else { continue }
                    crossings[j * n + i].append(wa * a.z + wb * b.z + wc * c.z)
                }
            }
        }
        var grid = [Bool](repeating: false, count: n * n * n)
        for column in crossings.indices where crossings[column].count >= 2 {
            let z = crossings[column].sorted()
            for pair in stride(from: 0, to: z.count - 1, by: 2) {
                // Cells whose centre lies between the pair's two crossings.
                let k0 = max(0, Int(((z[pair] - bounds.min.z) / cell.z - 0.5).rounded(.up)))
                let k1 = min(n - 1, Int(((z[pair + 1] - bounds.min.z) / cell.z - 0.5).rounded(.down)))
                guard k0 <= k1 else { continue }
                for k in k0...k1 { grid[k * n * n + column] = true }
            }
        }
        return grid
    }
}

@inline(__always) private func cross2(_ u: SIMD2<Float>, _ v: SIMD2<Float>) -> Float { u.x * v.y - u.y * v.x }
