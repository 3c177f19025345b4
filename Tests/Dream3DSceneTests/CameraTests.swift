// Cameras: placement on the orbit, ray directions, view labels, and seeded sampling.
import Testing
import Dream3DCore
@testable import Dream3DScene

@Suite struct CameraTests {
    @Test func orbitPlacementAndCentreRay() {
        // Elevation 0, azimuth 90°: on +y at the given distance, the centre ray pointing at −y.
        let camera = Camera(elevation: 0, azimuth: 90, distance: 2, fovy: .pi / 3, width: 2, height: 2)
        #expect(abs(camera.position.x) < 1e-5 && abs(camera.position.y - 2) < 1e-5 && abs(camera.position.z) < 1e-5)
        let rays = Camera(elevation: 0, azimuth: 90, distance: 2, fovy: .pi / 3, width: 1, height: 1).rays()
        #expect(abs(rays.directions[1] + 1) < 1e-5 && abs(rays.directions[0]) < 1e-5 && abs(rays.directions[2]) < 1e-5)
        // Elevation 90° (straight above) still gives a valid camera looking down.
        let above = Camera(elevation: 90, azimuth: 30, distance: 1.5, fovy: 1, width: 1, height: 1).rays()
        #expect(abs(above.directions[2] + 1) < 1e-5)
    }

    @Test func aTurnedCameraMovesRoundTheUpAxisOnly() {
        let camera = Camera(elevation: 20, azimuth: 30, distance: 1.8, fovy: 0.8, width: 8, height: 6)
        let turned = camera.turned(by: 90)
        #expect((turned.azimuth, turned.elevation, turned.distance, turned.fovy, turned.width, turned.height) == (120, 20, 1.8, 0.8, 8, 6))
        // The position turns a quarter about z: (x, y, z) → (−y, x, z).
        let p = camera.position, q = turned.position
        #expect(abs(q.x + p.y) < 1e-5 && abs(q.y - p.x) < 1e-5 && abs(q.z - p.z) < 1e-6)
    }

    @Test func raysSpanTheFieldOfView() {
        // Top-left and bottom-right pixel centres of a 4×4 image at fovy 90°: tan of the half angle of a
        // pixel centre is (2 − 0.5)/2 = 0.75, so the direction is (±0.75, ±0.75, −1) normalised in camera space.
        let camera = Camera(elevation: 0, azimuth: 0, distance: 3, fovy: .pi / 2, width: 4, height: 4)
        let rays = camera.rays()
        let n = (0.75 * 0.75 * 2 + 1 as Float).squareRoot()
        // Azimuth 0: the camera is on +x looking along −x; its right is forward × up = (−1, 0, 0) × (0, 0, 1)
        // = (0, 1, 0) and its up is +z. Rows go down the image (−z), columns to the right (+y).
        let topLeft = Array(rays.directions[0..<3]), bottomRight = Array(rays.directions[45..<48])
        #expect(zip(topLeft, [-1 / n, -0.75 / n, 0.75 / n]).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(zip(bottomRight, [-1 / n, 0.75 / n, -0.75 / n]).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(rays.count == 16 && rays.origins[0] == camera.position.x)
    }

    @Test func viewLabelsFollowThreestudioThresholds() {
        #expect(ViewLabel(elevation: 10, azimuth: 20) == .front)
        #expect(ViewLabel(elevation: 10, azimuth: -44) == .front)
        #expect(ViewLabel(elevation: 10, azimuth: 90) == .side)
        #expect(ViewLabel(elevation: 10, azimuth: 170) == .back)
        #expect(ViewLabel(elevation: 10, azimuth: -150) == .back)
        #expect(ViewLabel(elevation: 70, azimuth: 0) == .overhead)
        #expect(ViewLabel.front.promptSuffix == "front view")
    }

    @Test func samplingIsSeededAndInRange() {
        let sampler = CameraSampler()
        var a = SeededGenerator(seed: 5).split("cameras"), b = SeededGenerator(seed: 5).split("cameras")
        let first = (0..<50).map { _ in sampler.sample(using: &a) }, second = (0..<50).map { _ in sampler.sample(using: &b) }
        #expect(first == second)
        #expect(first.allSatisfy { sampler.elevationRange.contains($0.elevation) && sampler.distanceRange.contains($0.distance) })
        #expect(first.allSatisfy { $0.fovy >= 40 * .pi / 180 - 1e-6 && $0.fovy <= 70 * .pi / 180 + 1e-6 })
        #expect(Set(first.map(\.viewLabel)).count >= 3)
        let orbit = sampler.orbit(views: 4)
        #expect(orbit.map(\.azimuth) == [0, 90, 180, 270] && orbit.map(\.viewLabel) == [.front, .side, .back, .side])
    }
}
