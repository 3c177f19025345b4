// MeshComponents.swift — connected components and the removal of small ones. Marching cubes on a
// trained field leaves floaters (specks of density the guidance never cleaned up); like threestudio's
// and stable-dreamfusion's exporters (which keep components by face count), we drop every component
// with under 1% of the faces by default.

extension Mesh {
    /// Components of triangles sharing a vertex. labels: [F], numbered in order of each component's first
    /// triangle; triangleCounts: [components].
    public func connectedComponents() -> (labels: [Int], triangleCounts: [Int]) {
        var sets = UnionFind(count: positions.count)
        for t in triangles {
            sets.union(Int(t.x), Int(t.y))
            sets.union(Int(t.x), Int(t.z))
        }
        var labelOfRoot = [Int](repeating: -1, count: positions.count)
        var labels = [Int](), counts = [Int]()
        labels.reserveCapacity(triangles.count)
        for t in triangles {
            let root = sets.find(Int(t.x))
            if labelOfRoot[root] < 0 { labelOfRoot[root] = counts.count; counts.append(0) }
            labels.append(labelOfRoot[root])
            counts[labelOfRoot[root]] += 1
        }
        return (labels, counts)
    }

    /// Drops the components with fewer than `minTriangleFraction` of all triangles; the largest
    /// component is always kept, so no fraction empties a mesh. Unused vertices go with them.
    public func removingSmallComponents(minTriangleFraction: Double = 0.01) -> Mesh {
        let (labels, counts) = connectedComponents()
        guard let largest = counts.max() else { return self }
        let minimum = minTriangleFraction * Double(triangles.count)
        let keep = counts.map { Double($0) >= minimum || $0 == largest }
        if keep.allSatisfy({ $0 }) { return self }
        return keepingTriangles { keep[labels[$0]] }
    }
}
