// MarchingCubesTableDerivation.swift — how the 256-case table in Sources/Dream3DMesh/MarchingCubesTable.swift
// was made, and the rule the tests hold it to. Plain Swift (no test framework) so that it can also be
// compiled on its own to print the table:
//   echo 'printDerivedTable()' > /tmp/main.swift
//   swiftc -O Tests/Dream3DMeshTests/MarchingCubesTableDerivation.swift /tmp/main.swift -o /tmp/mc && /tmp/mc
//
// The rule (Lorensen & Cline 1987 for the cases; the fixed face rule of Montani, Scateni & Scopigno 1994,
// "A modified look-up table for implicit disambiguation of Marching Cubes", for the ambiguous faces):
//  1. On each cube face the contour is a set of segments between the midpoints of its crossing edges: one
//     segment if two edges cross, and if all four cross (inside corners on a diagonal) two segments, each
//     cutting off one *inside* corner. The face's two cubes see the same four corners and apply the same
//     rule, so they draw the same segments: that is what makes the mesh watertight.
//  2. Each segment is directed so that, with n the face's outward normal, n × (end − start) points to the
//     face's outside (lower density) part; chained, the segments form closed loops around the inside region.
//  3. Each loop is triangulated in its own direction (so every triangle faces the outside) by the
//     triangulation of least total diagonal length (edge midpoints as vertices) that never joins two
//     vertices on a common cube face by a non-segment edge: such an edge could also be drawn by the
//     neighbouring cube and then be shared by four triangles.

/// Corner i of the unit cube (Bourke's numbering: 0–3 counter-clockwise at z = 0, 4–7 above them).
let derivationCorners: [SIMD3<Float>] = [
    [0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 1], [1, 1, 1], [0, 1, 1],
]
/// Edge e joins corners edgeCorners[e] (Bourke's numbering).
let derivationEdges: [(Int, Int)] = [
    (0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7),
]
/// The six faces: corners in cyclic order, and the outward normal.
let derivationFaces: [(corners: [Int], normal: SIMD3<Float>)] = [
    ([0, 1, 2, 3], [0, 0, -1]), ([4, 5, 6, 7], [0, 0, 1]),
    ([0, 1, 5, 4], [0, -1, 0]), ([3, 2, 6, 7], [0, 1, 0]),
    ([0, 3, 7, 4], [-1, 0, 0]), ([1, 2, 6, 5], [1, 0, 0]),
]

func derivationEdge(_ a: Int, _ b: Int) -> Int {
    derivationEdges.firstIndex { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) }!
}
func derivationMidpoint(_ e: Int) -> SIMD3<Float> {
    (derivationCorners[derivationEdges[e].0] + derivationCorners[derivationEdges[e].1]) / 2
}
func derivationCross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
func derivationDot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

/// The directed contour segments (start edge, end edge) on the six faces for `cubeCase`, where bit i
/// set means corner i is inside (density above the threshold). Rules 1 and 2 above.
func faceSegments(_ cubeCase: Int) -> [(Int, Int)] {
    let inside = (0..<8).map { cubeCase >> $0 & 1 == 1 }
    var segments: [(Int, Int)] = []
    for face in derivationFaces {
        let c = face.corners
        // Pairs of crossing edges with the inside corner (if any) whose side they bound.
        var pairs: [(Int, Int, cutCorner: Int?)] = []
        let crossing = (0..<4).filter { inside[c[$0]] != inside[c[($0 + 1) % 4]] }
        if crossing.count == 2 {
            pairs = [(derivationEdge(c[crossing[0]], c[(crossing[0] + 1) % 4]),
                      derivationEdge(c[crossing[1]], c[(crossing[1] + 1) % 4]), nil)]
        } else if crossing.count == 4 {
            for k in 0..<4 where inside[c[k]] {
                pairs.append((derivationEdge(c[(k + 3) % 4], c[k]), derivationEdge(c[k], c[(k + 1) % 4]), c[k]))
            }
        }
        for (a, b, cut) in pairs {
            let p = derivationMidpoint(a), q = derivationMidpoint(b)
            // A point on the inside side of the segment: the corner it cuts off, or the inside corners' mean.
            let insideCorners = c.filter { inside[$0] }.map { derivationCorners[$0] }
            let reference = cut.map { derivationCorners[$0] } ?? insideCorners.reduce(.zero, +) / Float(insideCorners.count)
            let outward = derivationCross(face.normal, q - p)
            segments.append(derivationDot(outward, reference - (p + q) / 2) < 0 ? (a, b) : (b, a))
        }
    }
    return segments
}

/// True if edges a and b lie on a common cube face.
func coFacial(_ a: Int, _ b: Int) -> Bool {
    derivationFaces.contains { f in
        let onFace = { (e: Int) in f.corners.contains(derivationEdges[e].0) && f.corners.contains(derivationEdges[e].1) }
        return onFace(a) && onFace(b)
    }
}

/// Triangles (as edge-index triples) for one case: rule 3 applied to the loops of rules 1–2.
func deriveCase(_ cubeCase: Int) -> [Int] {
    let segments = faceSegments(cubeCase)
    var next: [Int: Int] = [:]
    for (a, b) in segments {
        precondition(next[a] == nil, "case \(cubeCase): edge \(a) starts two segments")
        next[a] = b
    }
    let isSegment = { (a: Int, b: Int) in segments.contains { ($0.0 == a && $0.1 == b) || ($0.0 == b && $0.1 == a) } }
    var visited = Set<Int>(), triangles: [Int] = []
    for start in next.keys.sorted() where !visited.contains(start) {
        var loop = [start]
        visited.insert(start)
        while let n = next[loop.last!], n != start { loop.append(n); visited.insert(n) }
        triangles += triangulate(loop, isSegment: isSegment)
    }
    return triangles
}

/// Least-weight triangulation of a polygon (dynamic programming over sub-polygons i…j), keeping its direction.
func triangulate(_ loop: [Int], isSegment: (Int, Int) -> Bool) -> [Int] {
    let k = loop.count
    precondition(k >= 3, "a loop of \(k) vertices")
    func weight(_ i: Int, _ j: Int) -> Float {
        if j == i + 1 || (i == 0 && j == k - 1) { return 0 }                      // a side of the polygon
        let a = loop[i], b = loop[j]
        let forbidden = coFacial(a, b) && !isSegment(a, b)
        let d = derivationMidpoint(a) - derivationMidpoint(b)
        return (derivationDot(d, d)).squareRoot() + (forbidden ? 1000 : 0)
    }
    var cost = [[Float]](repeating: [Float](repeating: 0, count: k), count: k)
    var split = [[Int]](repeating: [Int](repeating: -1, count: k), count: k)
    for length in 2..<k {
        for i in 0..<(k - length) {
            let j = i + length
            cost[i][j] = .infinity
            for m in (i + 1)..<j {
                let c = cost[i][m] + cost[m][j] + weight(i, m) + weight(m, j)
                if c < cost[i][j] { cost[i][j] = c; split[i][j] = m }
            }
        }
    }
    precondition(cost[0][k - 1] < 1000, "loop \(loop): every triangulation joins two vertices of one face")
    var triangles: [Int] = []
    func emit(_ i: Int, _ j: Int) {
        guard j - i >= 2 else { return }
        let m = split[i][j]
        triangles += [loop[i], loop[m], loop[j]]
        emit(i, m); emit(m, j)
    }
    emit(0, k - 1)
    return triangles
}

/// All 256 cases, each a flat list of edge-index triples.
func deriveTriangleTable() -> [[Int]] { (0..<256).map(deriveCase) }

/// Prints the table as the rows of MarchingCubesTable.swift.
func printDerivedTable() {
    for (c, row) in deriveTriangleTable().enumerated() {
        let bits = (0..<8).map { c >> $0 & 1 == 1 ? "1" : "0" }.joined()
        let entry = "    [\(row.map(String.init).joined(separator: ", "))],"
        print(entry + String(repeating: " ", count: max(1, 56 - entry.count)) + "// \(c): inside \(bits)")
    }
}
