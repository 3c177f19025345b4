// MarchingCubesTableTests.swift — the 256-case table is the one its rule derives, and, checked case by
// case, it has the properties that make whole meshes closed and outward-facing.
import Testing
@testable import Dream3DMesh

@Test func tableIsTheDerivedTable() {
    let derived = deriveTriangleTable()
    for c in 0..<256 {
        #expect(marchingCubesTriangles[c].map(Int.init) == derived[c], "case \(c)")
    }
}

@Test func tableNumberingMatchesTheDerivation() {
    #expect(cubeCorners.map { SIMD3<Float>($0) } == derivationCorners)
    #expect(cubeEdges.map { [$0.0, $0.1] } == derivationEdges.map { [$0.0, $0.1] })
}

/// Per case: triangles use exactly the crossing edges; their boundary is exactly the face rule's directed
/// segments (so the two cubes of a face draw the same contour, in opposite directions); every other edge is
/// used once each way and never joins two vertices of one face; triangles face from inside to outside corners.
@Test func everyCaseIsAClosedPatchBoundedByTheFaceRule() {
    for c in 0..<256 {
        let row = marchingCubesTriangles[c].map(Int.init)
        let inside = (0..<8).map { c >> $0 & 1 == 1 }
        let crossing = Set((0..<12).filter { inside[cubeEdges[$0].0] != inside[cubeEdges[$0].1] })
        #expect(Set(row) == crossing, "case \(c): uses edges \(Set(row).sorted()), crossing \(crossing.sorted())")

        var directed: [[Int]: Int] = [:]
        for t in stride(from: 0, to: row.count, by: 3) {
            for (a, b) in [(row[t], row[t + 1]), (row[t + 1], row[t + 2]), (row[t + 2], row[t])] { directed[[a, b], default: 0] += 1 }
        }
        #expect(directed.values.allSatisfy { $0 == 1 }, "case \(c): a directed edge is used twice")
        let boundary = Set(directed.keys.filter { directed[[$0[1], $0[0]]] == nil })
        let segments = Set(faceSegments(c).map { [$0.0, $0.1] })
        #expect(boundary == segments, "case \(c): boundary \(boundary) vs face segments \(segments)")
        for edge in directed.keys where directed[[edge[1], edge[0]]] != nil {
            #expect(!coFacial(edge[0], edge[1]), "case \(c): inner edge \(edge) lies on a cube face")
        }

        // Orientation, with edge midpoints as vertices: the normal has a positive component along the
        // inside→outside direction summed over the triangle's three edges.
        for t in stride(from: 0, to: row.count, by: 3) {
            let e = [row[t], row[t + 1], row[t + 2]]
            let p = e.map(derivationMidpoint)
            let normal = derivationCross(p[1] - p[0], p[2] - p[0])
            let outward = e.reduce(SIMD3<Float>.zero) { sum, edge in
                let (a, b) = cubeEdges[edge]
                let d = derivationCorners[b] - derivationCorners[a]
                return sum + (inside[a] ? d : -d)
            }
            #expect(derivationDot(normal, outward) > 0, "case \(c): triangle \(e) faces inward")
        }
    }
}
