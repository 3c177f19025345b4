// MarchingCubesTests.swift — marching cubes on analytic surfaces at 128³: closed 2-manifolds with the
// right Euler characteristic, triangles facing outward, and volume and area within 1% of the formulas.
// Tolerances: on [-1, 1]³ at 128³ the spacing is h = 2/127 ≈ 0.016, and with vertices on the surface the
// faceting error is of order h²/R (≈ 0.05% for R = 0.6), so 1% fails only when the geometry is wrong.
import Foundation
import Testing
@testable import Dream3DMesh

@Test func sphereIsClosedOutwardAndMeasuresRight() throws {
    let radius: Float = 0.6, center = SIMD3<Float>(0.05, -0.03, 0.02)
    let mesh = try march(sphereSDF(center: center, radius: radius))
    expectClosedManifold(mesh, euler: 2, "sphere")
    for t in mesh.triangles {
        let a = mesh.positions[Int(t.x)], b = mesh.positions[Int(t.y)], c = mesh.positions[Int(t.z)]
        if dot(cross(b - a, c - a), (a + b + c) / 3 - center) <= 0 { Issue.record("triangle \(t) faces the centre"); break }
    }
    let r = Double(radius)
    expectRelativeError(mesh.signedVolume, 4 / 3 * .pi * r * r * r, below: 0.01, "sphere volume")
    expectRelativeError(mesh.surfaceArea, 4 * .pi * r * r, below: 0.01, "sphere area")
    let distances = mesh.positions.map { length($0 - center) }
    #expect(distances.allSatisfy { abs($0 - radius) < 1e-3 }, "vertices lie on the sphere: \(distances.min()!)…\(distances.max()!)")
}

@Test func torusIsClosedWithEulerCharacteristicZero() throws {
    let major: Float = 0.5, minor: Float = 0.2
    let mesh = try march(torusSDF(majorRadius: major, minorRadius: minor))
    expectClosedManifold(mesh, euler: 0, "torus")
    for t in mesh.triangles {
        let a = mesh.positions[Int(t.x)], b = mesh.positions[Int(t.y)], c = mesh.positions[Int(t.z)]
        let centroid = (a + b + c) / 3
        let ring = SIMD3(centroid.x, centroid.y, 0)
        let core = ring * (major / length(ring))                 // nearest point of the tube's centre line
        if dot(cross(b - a, c - a), centroid - core) <= 0 { Issue.record("triangle \(t) faces the tube's centre line"); break }
    }
    let R = Double(major), r = Double(minor)
    expectRelativeError(mesh.signedVolume, 2 * .pi * .pi * R * r * r, below: 0.01, "torus volume")
    expectRelativeError(mesh.surfaceArea, 4 * .pi * .pi * R * r, below: 0.01, "torus area")
}

@Test func noTwoVerticesShareAPosition() throws {
    // One vertex per grid edge: a sphere inside the box has no vertex twice.
    let mesh = try march(sphereSDF(radius: 0.5), resolution: 48)
    #expect(Set(mesh.positions.map { [$0.x, $0.y, $0.z] }).count == mesh.vertexCount)
}

@Test func overlappingSpheresMakeOneComponentSeparatedOnesTwo() throws {
    let touching = try march(unionSDF(sphereSDF(center: [-0.45, 0, 0], radius: 0.5), sphereSDF(center: [0.45, 0, 0], radius: 0.5)), resolution: 96)
    #expect(componentCount(touching) == 1)
    expectClosedManifold(touching, euler: 2, "overlapping spheres")

    let apart = try march(unionSDF(sphereSDF(center: [-0.5, 0, 0], radius: 0.4), sphereSDF(center: [0.5, 0, 0], radius: 0.4)), resolution: 96)
    #expect(componentCount(apart) == 2)
    #expect(apart.connectedComponents().triangleCounts.count == 2)
    expectClosedManifold(apart, euler: 4, "two spheres")
}

@Test func surfaceLeavingTheBoxIsCappedOnTheBoxFace() throws {
    // A sphere centred on the face x = 1: the box holds exactly half of it, closed by a disc on the face.
    let radius: Float = 0.6, r = Double(radius)
    let mesh = try march(sphereSDF(center: [1, 0, 0], radius: radius))
    expectClosedManifold(mesh, euler: 2, "half sphere")
    #expect(mesh.positions.allSatisfy { $0.x <= 1.0001 }, "no vertex outside the box")
    expectRelativeError(mesh.signedVolume, 2 / 3 * .pi * r * r * r, below: 0.01, "half sphere volume")
    expectRelativeError(mesh.surfaceArea, 2 * .pi * r * r + .pi * r * r, below: 0.01, "half sphere area (dome + disc)")
}

@Test func surfaceAroundABoxCornerIsClosedAfterWelding() throws {
    // A sphere centred on the corner (1, 1, 1): one eighth inside, capped by three quarter discs that meet
    // along the box's edges, where the caps' vertices coincide until welded.
    let radius: Float = 0.6, r = Double(radius)
    let mesh = try march(sphereSDF(center: [1, 1, 1], radius: radius)).removingDegenerateTriangles()
    expectClosedManifold(mesh, euler: 2, "sphere octant")
    expectRelativeError(mesh.signedVolume, .pi * r * r * r / 6, below: 0.01, "octant volume")
    expectRelativeError(mesh.surfaceArea, .pi * r * r / 2 + 3 * .pi * r * r / 4, below: 0.01, "octant area (dome eighth + 3 quarter discs)")
}

@Test func randomGridsGiveClosedOutwardMeshes() throws {
    // Every cube configuration, ambiguous faces included, next to every other: random samples on small
    // grids. Each mesh must be a closed, consistently wound 2-manifold, also after welding, enclosing
    // positive volume (a nested hollow counts negative, but never more than what surrounds it).
    var rng = SplitMix64(seed: 4)
    for trial in 0..<300 {
        let n = 3 + trial % 5
        let values = (0..<(n * n * n)).map { _ in Float.random(in: 0..<1, using: &rng) }
        let grid = DensityGrid(resolution: n, bounds: unitBox, values: values)
        let threshold = Float(0.3 + 0.4 * Double(trial % 7) / 6)
        guard let mesh = try? marchingCubes(grid, threshold: threshold) else { continue }
        let welded = mesh.removingDegenerateTriangles()
        let bad = Topology(mesh).badEdges.count, pinched = nonManifoldVertices(mesh).count
        let weldedBad = Topology(welded).badEdges.count, weldedPinched = nonManifoldVertices(welded).count
        #expect(bad == 0 && pinched == 0, "trial \(trial): bad edges, pinched vertices")
        #expect(weldedBad == 0 && weldedPinched == 0, "trial \(trial), welded: bad edges, pinched vertices")
        #expect(mesh.signedVolume > 0, "trial \(trial): volume \(mesh.signedVolume)")
        if bad + pinched + weldedBad + weldedPinched > 0 { break }
    }
}

@Test func resultDoesNotDependOnTheSlabSplit() throws {
    // 20³ marches as 2 slabs, 200³ as 25: compare a sphere at 20³ with the same grid marched by hand as one slab.
    let grid = try DensityGrid.sample(densityFromSDF(sphereSDF(radius: 0.7)), bounds: unitBox, resolution: 20)
    let whole = try marchingCubes(grid)
    let oneSlab = grid.values.withUnsafeBufferPointer {
        marchSlab(layers: 0..<21, values: $0.baseAddress!, n: 20, threshold: defaultDensityThreshold, origin: unitBox.min, spacing: grid.spacing)
    }
    #expect(whole == mergeSlabs([oneSlab]))
}

// MARK: Errors the user can cause

@Test func emptyFieldNamesTheDensityRangeAndSuggestsAThreshold() throws {
    // Densities 0…4 (a sphere's density peaks at 4 at its centre): nothing reaches 10.
    let field: DensityField = { points in points.map { max(0, 4 - 10 * length($0)) } }
    let grid = try DensityGrid.sample(field, bounds: unitBox, resolution: 17)
    #expect(throws: MeshError.emptySurface(threshold: 10, densityRange: 0...4)) { try marchingCubes(grid, threshold: 10) }
    do {
        _ = try marchingCubes(grid, threshold: 10)
    } catch {
        let text = error.description
        #expect(text.contains("0.0…4.0"), "names the density range: \(text)")
        #expect(text.contains("hint: export again with --threshold 2.0"), "suggests the middle of the range: \(text)")
    }
}

@Test func fieldAboveTheThresholdEverywhereIsAnErrorNotABox() throws {
    let grid = DensityGrid(resolution: 4, bounds: unitBox, values: [Float](repeating: 50, count: 64))
    #expect(throws: MeshError.emptySurface(threshold: 10, densityRange: 50...50)) { try marchingCubes(grid) }
    let text = MeshError.emptySurface(threshold: 10, densityRange: 50...50).description
    #expect(text.contains("every density is above it") && text.contains("hint:"), "\(text)")
}

@Test func badGridsAndFieldsThrowBeforeAnyWork() throws {
    #expect(throws: MeshError.gridTooSmall(resolution: 1)) {
        try DensityGrid.sample({ _ in Issue.record("the field was called"); return [] }, bounds: unitBox, resolution: 1)
    }
    #expect(throws: MeshError.gridTooSmall(resolution: 1)) { try marchingCubes(DensityGrid(resolution: 1, bounds: unitBox, values: [20])) }
    let flat = AxisAlignedBox(min: [0, 0, 0], max: [1, 0, 1])
    #expect(throws: MeshError.invalidBounds(min: flat.min, max: flat.max)) {
        try DensityGrid.sample({ $0.map { _ in 0 } }, bounds: flat, resolution: 8)
    }
    var values = [Float](repeating: 0, count: 27)
    values[13] = 20
    values[5] = .nan
    #expect(throws: MeshError.nonFiniteDensity(count: 1, samples: 27)) { try marchingCubes(DensityGrid(resolution: 3, bounds: unitBox, values: values)) }
    #expect(MeshError.gridTooSmall(resolution: 1).description.contains("hint:"))
}

@Test func samplingCallsTheFieldInBatchesAtTheLatticePoints() throws {
    // values[i + N(j + Nk)] is the field at min + (i, j, k)·spacing, whatever the batch boundaries.
    let bounds = AxisAlignedBox(min: [-1, 0, 2], max: [3, 1, 4])
    let grid = try DensityGrid.sample({ $0.map { $0.x + 10 * $0.y + 100 * $0.z } }, bounds: bounds, resolution: 5, batchSize: 7)
    for (i, j, k) in [(0, 0, 0), (4, 0, 0), (1, 2, 3), (4, 4, 4)] {
        let expected = (-1 + Float(i)) + 10 * (Float(j) / 4) + 100 * (2 + Float(k) / 2)
        #expect(grid.values[i + 5 * (j + 5 * k)] == expected, "sample (\(i), \(j), \(k))")
    }
}
