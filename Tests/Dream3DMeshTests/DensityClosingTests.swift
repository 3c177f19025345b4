// DensityClosingTests.swift — closing gaps in the density grid before marching cubes: slits narrower
// than the closing fill, wider gaps and holes stay, convex shapes keep their surface, floating specks
// are emptied before the closing can merge them, and sealed cavities are filled.
import Foundation
import Testing
@testable import Dream3DMesh

/// Two spheres of radius 0.4 side by side along x with `gap` between their surfaces.
private func twoSpheres(gap: Float) -> @Sendable (SIMD3<Float>) -> Float {
    unionSDF(sphereSDF(center: [-0.4 - gap / 2, 0, 0], radius: 0.4), sphereSDF(center: [0.4 + gap / 2, 0, 0], radius: 0.4))
}

/// Spacing of a 64³ grid over [-1, 1]³: 2/63 ≈ 0.032.
private let spacing: Float = 2 / 63

private func extracted(_ sdf: @escaping @Sendable (SIMD3<Float>) -> Float, closingRadius: Float) throws -> Mesh {
    try extractMesh(density: densityFromSDF(sdf), albedo: nil, bounds: unitBox,
                    options: MeshExtractionOptions(resolution: 64, closingRadius: closingRadius))
}

@Test func aSlitNarrowerThanTheClosingIsFilled() throws {
    // A gap of 2 samples between the spheres; closing 3 samples each side bridges up to ~6.
    let sdf = twoSpheres(gap: 2 * spacing)
    #expect(componentCount(try extracted(sdf, closingRadius: 0)) == 2, "without closing the spheres are apart")
    let closed = try extracted(sdf, closingRadius: 3 * spacing)
    #expect(componentCount(closed) == 1)
    expectClosedManifold(closed, euler: 2, "two spheres joined by a neck")
}

@Test func aGapWiderThanTheClosingStays() throws {
    // 10 samples apart, closing ±3: nothing reaches across.
    #expect(componentCount(try extracted(twoSpheres(gap: 10 * spacing), closingRadius: 3 * spacing)) == 2)
}

@Test func closingLeavesAConvexShapeAndAWideHoleAlone() throws {
    // A ball is convex: the closing finds no gap, and the surface stays on the sphere as closely as
    // marching cubes put it there (vertex distances to the centre within 0.1% of the radius of those before).
    let ball = try extracted(sphereSDF(radius: 0.6), closingRadius: 0), closedBall = try extracted(sphereSDF(radius: 0.6), closingRadius: 3 * spacing)
    let radii = ball.positions.map { length($0) }, closedRadii = closedBall.positions.map { length($0) }
    #expect(abs(closedRadii.min()! - radii.min()!) < 6e-4 && abs(closedRadii.max()! - radii.max()!) < 6e-4,
            "\(radii.min()!)…\(radii.max()!) became \(closedRadii.min()!)…\(closedRadii.max()!)")
    // A torus of tube radius 0.15 round a hole 0.7 wide (mug handle): the hole outlasts a closing of ±3
    // samples (0.1), so the mesh keeps genus 1 (Euler characteristic 0).
    let ring = try extracted(torusSDF(majorRadius: 0.5, minorRadius: 0.15), closingRadius: 3 * spacing)
    expectClosedManifold(ring, euler: 0, "torus after closing")
}

@Test func closingNeverRemovesSolid() throws {
    // Grayscale closing is extensive: every sample ends at least where it started.
    let grid = try DensityGrid.sample(densityFromSDF(twoSpheres(gap: 3 * spacing)), bounds: unitBox, resolution: 64)
    let closed = grid.closed(radius: 2)
    #expect(zip(closed.values, grid.values).allSatisfy { $0 >= $1 })
    #expect(closed.values != grid.values, "the slit between the spheres is filled")
}

@Test func specksAreEmptiedBeforeTheClosingCouldMergeThem() throws {
    // A ball and, in a corner, a 3×3×3 cloud of specks (radius 0.06, 0.14 apart): each speck is under 1%
    // of the solid, but closing alone fuses the cloud into one block of over 10%, which would survive the
    // clean-up as a second piece.
    var specks: [@Sendable (SIMD3<Float>) -> Float] = []
    for i in 0..<3 { for j in 0..<3 { for k in 0..<3 {
        specks.append(sphereSDF(center: SIMD3(0.45, 0.45, 0.45) + 0.14 * SIMD3(Float(i), Float(j), Float(k)), radius: 0.06))
    } } }
    let cloud = specks.dropFirst().reduce(specks[0]) { unionSDF($0, $1) }
    let scene = unionSDF(sphereSDF(center: [-0.3, -0.3, -0.3], radius: 0.5), cloud)
    let grid = try DensityGrid.sample(densityFromSDF(scene), bounds: unitBox, resolution: 64)
    let closedOnly = try marchingCubes(grid.closed(radius: 3)).removingSmallComponents(minTriangleFraction: 0.01)
    #expect(componentCount(closedOnly) == 2, "closing alone keeps the fused cloud")
    let mesh = try extracted(scene, closingRadius: 3 * spacing)
    #expect(componentCount(mesh) == 1)
    #expect(mesh.positions.allSatisfy { length($0 - [-0.3, -0.3, -0.3]) < 0.52 }, "the ball is what remains")
}

@Test func sealedCavitiesAreFilled() throws {
    // A hollow ball (shell between radii 0.4 and 0.6): its inner wall is a second surface no camera sees.
    let shell: @Sendable (SIMD3<Float>) -> Float = { p in abs(length(p) - 0.5) - 0.1 }
    let grid = try DensityGrid.sample(densityFromSDF(shell), bounds: unitBox, resolution: 64)
    #expect(componentCount(try marchingCubes(grid)) == 2, "outer and inner wall")
    let filled = try marchingCubes(grid.fillingCavities(threshold: defaultDensityThreshold))
    expectClosedManifold(filled, euler: 2, "filled ball")
    #expect(abs(filled.signedVolume - 4 / 3 * Double.pi * 0.216) < 0.02, "the volume of the full ball of radius 0.6")
    // Space open to the grid's faces is not a cavity: a ball alone is left as it is.
    let ball = try DensityGrid.sample(densityFromSDF(sphereSDF(radius: 0.6)), bounds: unitBox, resolution: 64)
    #expect(ball.fillingCavities(threshold: defaultDensityThreshold).values == ball.values)
}

@Test func emptiedSpecksLeaveNoSampleAtTheThreshold() throws {
    // Specks a few samples off a ball, each far under 1% of the solid. Emptied specks once took exactly
    // the threshold's value, which the closing (extensive) kept and carried to the ball's surface; marching
    // cubes then put vertices exactly on samples, and welding them left non-manifold edges (an SJC table).
    var scene = sphereSDF(radius: 0.5)
    for k in 0..<12 {
        let angle = Float(k) * .pi / 6, distance: Float = 0.5 + Float(2 + k % 3) * spacing
        scene = unionSDF(scene, sphereSDF(center: SIMD3(distance * cos(angle), distance * sin(angle), Float(k % 4 - 2) * 0.1), radius: 0.04))
    }
    let grid = try DensityGrid.sample(densityFromSDF(scene), bounds: unitBox, resolution: 64)
    let threshold = defaultDensityThreshold
    #expect(!grid.values.contains(threshold))
    for closing in 2...4 {
        let closed = grid.closingGaps(radius: closing, threshold: threshold, minPieceFraction: 0.01)
        #expect(!closed.values.contains(threshold), "closing ±\(closing) samples")
        #expect(try marchingCubes(closed).removingDegenerateTriangles().openEdgeCount == 0, "closing ±\(closing) samples")
    }
}
