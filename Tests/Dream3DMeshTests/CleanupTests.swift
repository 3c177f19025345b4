// CleanupTests.swift — small-component removal, degenerate triangles, smoothing, normals and colours,
// on hand-built meshes whose answers are worked out in the comments, and on analytic spheres.
import Testing
@testable import Dream3DMesh

/// The unit cube [0, 1]³ as 12 outward triangles (8 vertices), shifted by `offset`.
func cubeMesh(offset: SIMD3<Float> = .zero) -> Mesh {
    let p = (0..<8).map { (i: Int) -> SIMD3<Float> in
        SIMD3<Float>(Float(i & 1), Float(i >> 1 & 1), Float(i >> 2 & 1)) + offset
    }
    let quads: [[UInt32]] = [[0, 2, 3, 1], [4, 5, 7, 6], [0, 1, 5, 4], [2, 6, 7, 3], [0, 4, 6, 2], [1, 3, 7, 5]]
    return Mesh(positions: p, triangles: quads.flatMap { q in [SIMD3(q[0], q[1], q[2]), SIMD3(q[0], q[2], q[3])] })
}

@Test func handBuiltCubeIsClosedAndOutward() {
    // Guards the fixture the next tests use: volume 1, area 6.
    let cube = cubeMesh()
    expectClosedManifold(cube, euler: 2, "cube")
    #expect(abs(cube.signedVolume - 1) < 1e-12 && abs(cube.surfaceArea - 6) < 1e-12)
}

@Test func componentsUnderTheFractionAreDroppedWithTheirVertices() {
    // A cube (12 triangles) and a tetrahedron (4) far away: 4/16 = 25% of the triangles.
    var mesh = cubeMesh()
    let tetra: [SIMD3<Float>] = [[5, 5, 5], [6, 5, 5], [5, 6, 5], [5, 5, 6]]
    mesh.positions += tetra
    mesh.triangles += [[8, 10, 9], [8, 9, 11], [9, 10, 11], [8, 11, 10]]
    mesh.colors = mesh.positions.map { $0 / 10 }
    #expect(mesh.connectedComponents().triangleCounts == [12, 4])
    #expect(mesh.removingSmallComponents(minTriangleFraction: 0.2) == mesh, "25% is not under 20%")
    let cleaned = mesh.removingSmallComponents(minTriangleFraction: 0.3)
    #expect(cleaned.vertexCount == 8 && cleaned.triangleCount == 12)
    #expect(cleaned.positions == cubeMesh().positions && cleaned.colors == cubeMesh().positions.map { $0 / 10 }, "colours follow their vertices")
    // Even a fraction above 1 keeps the largest component.
    #expect(mesh.removingSmallComponents(minTriangleFraction: 2).triangleCount == 12)
}

@Test func floatersUnderOnePercentAreDroppedFromAnExtractedMesh() throws {
    // A sphere of radius 0.6 and a speck of radius 0.06: triangle counts scale with area, so the speck
    // has about (0.06 / 0.6)² = 1% of the sphere's... at 0.05 it has 0.7%: under the default 1%.
    let field = densityFromSDF(unionSDF(sphereSDF(center: [-0.2, 0, 0], radius: 0.6), sphereSDF(center: [0.75, 0.75, 0.75], radius: 0.05)))
    let raw = try marchingCubes(DensityGrid.sample(field, bounds: unitBox, resolution: 64))
    #expect(componentCount(raw) == 2)
    let counts = raw.connectedComponents().triangleCounts
    #expect(Double(counts.min()!) < 0.01 * Double(raw.triangleCount), "the speck is under 1%: \(counts)")
    let mesh = try extractMesh(density: field, albedo: nil, bounds: unitBox, options: MeshExtractionOptions(resolution: 64))
    #expect(componentCount(mesh) == 1)
    #expect(mesh.positions.allSatisfy { length($0 - [-0.2, 0, 0]) < 0.61 }, "the sphere is what remains")
}

@Test func degenerateTrianglesAreRemovedAndCoincidentVerticesWelded() {
    // A tetrahedron whose apex is stored twice (vertices 3 and 4, same position); faces around the apex
    // use either copy and two zero-area triangles (1, 4, 3), (2, 3, 4) stitch the copies, so the input is
    // closed. Welding 4 into 3 collapses the two, leaving the plain tetrahedron (4 vertices, 4 faces).
    let apex: SIMD3<Float> = [0.2, 0.3, 1]
    let tetra = Mesh(positions: [[0, 0, 0], [1, 0, 0], [0, 1, 0], apex, apex],
                     triangles: [[0, 2, 1], [0, 1, 3], [1, 2, 4], [2, 0, 3], [1, 4, 3], [2, 3, 4]])
    expectClosedManifold(tetra, euler: 2, "stitched input")
    let cleaned = tetra.removingDegenerateTriangles()
    #expect(cleaned.positions == [[0, 0, 0], [1, 0, 0], [0, 1, 0], apex])
    #expect(cleaned.triangles == [[0, 2, 1], [0, 1, 3], [1, 2, 3], [2, 0, 3]])
    expectClosedManifold(cleaned, euler: 2, "welded tetrahedron")

    // Repeated indices and collinear corners go; a thin but real triangle (area/edge² = 1e-3) stays.
    let flat = Mesh(positions: [[0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 1, 0], [1, 0.001, 0]],
                    triangles: [[0, 1, 3], [0, 0, 3], [0, 1, 2], [0, 2, 4]])
    #expect(flat.removingDegenerateTriangles().triangles == [[0, 1, 3], [0, 2, 4]])
}

@Test func taubinKeepsTheVolumeLaplacianShrinksAndBothRemoveNoise() throws {
    // A sphere of radius 0.6 at 48³ with every vertex pushed along its radius by up to ±0.3 of the grid
    // spacing (seeded), then 10 rounds of each smoother. Laplacian smoothing pulls each vertex toward its
    // neighbours' mean, which on a sphere points inward: the volume drops; Taubin's μ step undoes that.
    let radius: Float = 0.6, r = Double(radius), volume = 4 / 3 * Double.pi * r * r * r
    var mesh = try march(sphereSDF(radius: radius), resolution: 48)
    var rng = SplitMix64(seed: 11)
    let h = 2 / Float(47)
    mesh.positions = mesh.positions.map { $0 * (1 + Float.random(in: -0.3...0.3, using: &rng) * h / radius) }
    func rmsDeviation(_ m: Mesh) -> Double {
        (m.positions.reduce(0.0) { $0 + Double(pow2(length($1) - radius)) } / Double(m.vertexCount)).squareRoot()
    }
    let laplacian = mesh.smoothed(.laplacian(iterations: 10)), taubin = mesh.smoothed(.taubin(iterations: 10))
    #expect(laplacian.triangles == mesh.triangles && taubin.triangles == mesh.triangles)
    #expect(rmsDeviation(taubin) < 0.5 * rmsDeviation(mesh), "Taubin removes noise: \(rmsDeviation(mesh)) → \(rmsDeviation(taubin))")
    let taubinError = abs(taubin.signedVolume - volume) / volume, laplacianError = abs(laplacian.signedVolume - volume) / volume
    #expect(laplacian.signedVolume < volume && laplacianError > 2 * taubinError,
            "volume error: Laplacian \(laplacianError), Taubin \(taubinError)")
    #expect(taubinError < 0.01)
    #expect(mesh.smoothed(.none) == mesh)
}

func pow2(_ x: Float) -> Float { x * x }

@Test func vertexNormalsAreAreaWeighted() {
    // Vertex 0 is shared by T1 = (0, (2,0,0), (0,2,0)): (b−a)×(c−a) = (0, 0, 4), and T2 = (0, (0,0,1), (1,0,0)):
    // (0, 1, 0). The area-weighted normal is (0, 1, 4)/√17; an unweighted mean would give (0, 1, 1)/√2.
    let mesh = Mesh(positions: [[0, 0, 0], [2, 0, 0], [0, 2, 0], [0, 0, 1], [1, 0, 0]], triangles: [[0, 1, 2], [0, 3, 4]])
        .withVertexNormals()
    let expected = SIMD3<Float>(0, 1, 4) / Float(17).squareRoot()
    #expect(length(mesh.normals[0] - expected) < 1e-6, "\(mesh.normals[0]) vs \(expected)")
    #expect(mesh.normals[1] == [0, 0, 1] && mesh.normals[3] == [0, 1, 0])
}

@Test func sphereNormalsPointAlongTheRadius() throws {
    let mesh = try march(sphereSDF(radius: 0.6), resolution: 64).withVertexNormals()
    let worst = zip(mesh.positions, mesh.normals).map { dot($0 / length($0), $1) }.min()!
    #expect(worst > 0.99, "worst cosine between normal and radius: \(worst)")
    #expect(mesh.normals.allSatisfy { abs(length($0) - 1) < 1e-5 })
}

@Test func colorsAreTheAlbedoAtTheVerticesClampedToUnitRange() {
    let mesh = cubeMesh(offset: [-0.5, -0.5, -0.5]).withVertexColors({ $0.map { 3 * $0 } }, batchSize: 3)
    for (p, c) in zip(mesh.positions, mesh.colors) {
        // 3·(±0.5) = ±1.5, clamped to 0 or 1.
        #expect(c == SIMD3(p.x > 0 ? 1 : 0, p.y > 0 ? 1 : 0, p.z > 0 ? 1 : 0), "vertex \(p): colour \(c)")
    }
    let nan = cubeMesh().withVertexColors { $0.map { _ in SIMD3(.nan, 0.25, 2) } }
    #expect(nan.colors.allSatisfy { $0 == [0, 0.25, 1] })
}

@Test func extractionGivesNormalsAndColoursOnTheSurface() throws {
    let mesh = try extractMesh(density: densityFromSDF(sphereSDF(radius: 0.5)), albedo: { $0.map { ($0 + 1) / 2 } },
                               bounds: unitBox, options: MeshExtractionOptions(resolution: 40))
    expectClosedManifold(mesh, euler: 2, "extracted sphere")
    #expect(mesh.normals.count == mesh.vertexCount && mesh.colors.count == mesh.vertexCount)
    for (p, c) in zip(mesh.positions, mesh.colors) where c != (p + 1) / 2 { Issue.record("vertex \(p): colour \(c)"); break }
}

@Test func samplesARoundingErrorFromTheThresholdStillGiveAClosedMesh() throws {
    // A sphere's samples near its surface set to one ulp below or above the threshold (the tree family
    // scaled 0.8 and moved by (0.08, −0.05, 0.1) at 128³ has one such sample where a flat face lies on a
    // grid plane), or exactly to it. Vertices of different edges then land within rounding of the same
    // grid corner; the clean-up must join them before dropping the thin triangles between them.
    let threshold = defaultDensityThreshold
    let grid = try DensityGrid.sample(densityFromSDF(sphereSDF(center: [0.03, -0.02, 0.01], radius: 0.6)), bounds: unitBox, resolution: 24)
    for (what, snapped) in [("one ulp below", threshold.nextDown), ("one ulp above", threshold.nextUp), ("exactly at", threshold)] {
        let values = grid.values.map { abs($0 - threshold) < 2 ? snapped : $0 }
        let mesh = try marchingCubes(DensityGrid(resolution: 24, bounds: unitBox, values: values)).removingDegenerateTriangles()
        let open = mesh.openEdgeCount
        #expect(open == 0, "samples \(what) the threshold: open edges")
        expectClosedManifold(mesh, euler: 2, "samples \(what) the threshold")
    }
}
