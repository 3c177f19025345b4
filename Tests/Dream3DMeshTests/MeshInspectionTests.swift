// Voxelisation, closure, framing and the rasteriser against closed forms and independent constructions:
// a marched sphere fills the analytic share of the grid, an opened mesh is reported open, and the
// rasteriser's silhouette is the set of pixels whose Camera ray passes through the sphere.
import Foundation
import Testing
import Dream3DScene
@testable import Dream3DMesh

@Suite struct MeshInspectionTests {
    @Test func voxelisedSphereHasTheClosedFormVolume() throws {
        let sphere = try march(sphereSDF(center: SIMD3(0.1, -0.2, 0.05), radius: 0.6), resolution: 96)
        let grid = sphere.occupancyGrid(resolution: 64)
        let fraction = Double(grid.filter { $0 }.count) / Double(grid.count)
        expectRelativeError(fraction, 4 / 3 * Double.pi * 0.216 / 8, below: 0.02, "voxelised sphere volume share")
        // Cells well inside are occupied, cells well outside are not (the layout: x fastest, then y, then z).
        func cell(_ p: SIMD3<Float>) -> Bool {
            let i = Int((p.x + 1) * 32), j = Int((p.y + 1) * 32), k = Int((p.z + 1) * 32)
            return grid[(k * 64 + j) * 64 + i]
        }
        #expect(cell(SIMD3(0.1, -0.2, 0.05)) && cell(SIMD3(0.6, -0.2, 0.05)) && cell(SIMD3(0.1, -0.2, 0.6)))
        #expect(!cell(SIMD3(-0.6, 0.5, 0)) && !cell(SIMD3(0.1, -0.2, -0.7)) && !cell(SIMD3(0.1, 0.5, 0.05)))
        // A torus's hole stays empty: the even–odd rule sees two surfaces per column on each side of it.
        let torus = try march(torusSDF(majorRadius: 0.5, minorRadius: 0.2), resolution: 96).occupancyGrid(resolution: 64)
        let expected = 2 * Double.pi * Double.pi * 0.5 * 0.04 / 8
        expectRelativeError(Double(torus.filter { $0 }.count) / Double(torus.count), expected, below: 0.05, "voxelised torus")
        #expect(!torus[(32 * 64 + 32) * 64 + 32], "the torus's centre is outside it")
    }

    @Test func closedMeshesAreWatertightAndOpenedOnesAreNot() throws {
        let sphere = try march(sphereSDF(radius: 0.5), resolution: 32)
        #expect(sphere.isWatertight && sphere.openEdgeCount == 0)
        #expect(sphere.largestComponentShare == 1)
        // One triangle removed opens its three edges.
        let holed = sphere.keepingTriangles { $0 != 7 }
        #expect(!holed.isWatertight && holed.openEdgeCount == 3)
        // One triangle flipped: its three edges now run the same way as their neighbours'.
        var flipped = sphere
        let t = flipped.triangles[7]
        flipped.triangles[7] = SIMD3(t.x, t.z, t.y)
        #expect(flipped.openEdgeCount == 3)
        #expect(!Mesh(positions: [], triangles: []).isWatertight)
        // Two equal spheres: closed, but half the triangles outside the largest piece.
        let two = try march(unionSDF(sphereSDF(center: SIMD3(-0.5, 0, 0), radius: 0.3), sphereSDF(center: SIMD3(0.5, 0, 0), radius: 0.3)), resolution: 64)
        #expect(two.isWatertight && abs(two.largestComponentShare - 0.5) < 0.01, "\(two.largestComponentShare)")
    }

    @Test func framingCentresTheBoxAndScalesTheFarthestVertexAndTurningIsAboutZ() {
        let mesh = Mesh(positions: [SIMD3(1, 2, 3), SIMD3(3, 2, 3), SIMD3(1, 6, 3), SIMD3(1, 2, 5)],
                        triangles: [SIMD3(0, 1, 2), SIMD3(0, 2, 3), SIMD3(0, 3, 1), SIMD3(1, 3, 2)])
        let framed = mesh.framed(radius: 0.85)
        // Box centre (2, 4, 4); farthest vertex (1, 6, 3) or (1, 2, 5)… at √(1 + 4 + 1) = √6 from it.
        let scale = 0.85 / Float(6).squareRoot()
        for (p, q) in zip(mesh.positions, framed.positions) {
            #expect(length(q - (p - SIMD3(2, 4, 4)) * scale) < 1e-6)
        }
        #expect(framed.triangles == mesh.triangles)
        // A quarter turn is counter-clockwise seen from above: +x goes to +y, +y to −x; z stays.
        let turned = Mesh(positions: [SIMD3(1, 0, 0.5), SIMD3(0, 2, 0)], triangles: [], normals: [SIMD3(0, 1, 0), SIMD3(0, 0, 1)])
            .turned(by: 90)
        #expect(length(turned.positions[0] - SIMD3(0, 1, 0.5)) < 1e-6 && length(turned.positions[1] - SIMD3(-2, 0, 0)) < 1e-6)
        #expect(length(turned.normals[0] - SIMD3(-1, 0, 0)) < 1e-6 && turned.normals[1] == SIMD3(0, 0, 1))
    }

    @Test func rasterisedSilhouetteIsWhereCameraRaysMeetTheObject() throws {
        let centre = SIMD3<Float>(0.2, 0.35, -0.1), radius: Float = 0.4
        let sphere = try march(sphereSDF(center: centre, radius: radius), resolution: 96).withVertexNormals()
        let camera = Camera(elevation: 20, azimuth: 30, distance: 2, fovy: 0.8, width: 48, height: 40)
        let (image, opacity) = sphere.render(camera: camera, lighting: Lighting(position: camera.position, ambient: 0.2),
                                             background: SIMD3(0, 0, 1))
        #expect(image.shape == [3, 40, 48] && opacity.shape == [40, 48])
        // Independently: the distance from the sphere's centre to each pixel's ray.
        let rays = camera.rays()
        var mismatches = 0, covered = 0
        for pixel in 0..<rays.count {
            let o = SIMD3(rays.origins[3 * pixel], rays.origins[3 * pixel + 1], rays.origins[3 * pixel + 2])
            let d = SIMD3(rays.directions[3 * pixel], rays.directions[3 * pixel + 1], rays.directions[3 * pixel + 2])
            let toCentre = centre - o, along = (toCentre * d).sum()
            let miss = length(toCentre - along * d)
            let hit = opacity.scalars[pixel] > 0.5
            if hit { covered += 1 }
            // Pixels whose ray passes within 2% of the radius of the rim may go either way (the mesh is faceted).
            if abs(miss - radius) > 0.02 * radius && hit != (miss < radius) { mismatches += 1 }
        }
        #expect(mismatches == 0 && covered > 100, "\(mismatches) pixels disagree with the rays, \(covered) covered")
        // The background colour where nothing is hit; inside, white (no vertex colours) lit: grey, at least the ambient.
        let plane = 40 * 48
        for pixel in 0..<plane where opacity.scalars[pixel] == 0 {
            #expect(image.scalars[pixel] == 0 && image.scalars[plane + pixel] == 0 && image.scalars[2 * plane + pixel] == 1)
        }
        for pixel in 0..<plane where opacity.scalars[pixel] == 1 {
            let r = image.scalars[pixel], g = image.scalars[plane + pixel], b = image.scalars[2 * plane + pixel]
            #expect(r == g && g == b && r >= 0.2 - 1e-6 && r <= 1)
        }
    }
}
