// CameraMathTests.swift — CGLM's camera math against expectations worked out by hand in the comments
// (gluLookAt / gluPerspective formulas and elementary rotations), never by calling the code under test.
// Matrices are column-major: (row r, column c) is m[4c + r].
import CGLM
import Foundation
import Testing

@Suite struct CameraMathTests {
    /// Checks `actual` against `expected` element by element; a failure names the index.
    func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ what: String,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): \(actual.count) values, expected \(expected.count)",
                sourceLocation: sourceLocation)
        for (i, (a, e)) in zip(actual, expected).enumerated() where !(abs(a - e) <= tolerance) {
            Issue.record("\(what): index \(i) is \(a), expected \(e) (all: \(actual))", sourceLocation: sourceLocation)
            return
        }
    }
    func point(_ m: [Float], _ p: [Float]) -> [Float] { var out = [Float](repeating: 0, count: 3); d3d_transform_point(m, p, &out); return out }
    func direction(_ m: [Float], _ d: [Float]) -> [Float] { var out = [Float](repeating: 0, count: 3); d3d_transform_direction(m, d, &out); return out }
    func lookAt(_ eye: [Float], _ target: [Float], _ up: [Float]) -> [Float] { var m = [Float](repeating: 0, count: 16); d3d_look_at(eye, target, up, &m); return m }

    @Test func lookAtFromPositiveZIsATranslation() {
        // Camera at (0,0,5) looking at the origin, up +y: its axes are the world's, so the view matrix
        // only moves the world by −eye: identity with translation (0, 0, −5) in m[12...14].
        let view = lookAt([0, 0, 5], [0, 0, 0], [0, 1, 0])
        expectClose(view, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, -5, 1], "view matrix")
        expectClose(point(view, [0, 0, 0]), [0, 0, -5], "origin in view space")
        expectClose(point(view, [1, 2, 0]), [1, 2, -5], "(1,2,0) in view space")
    }

    @Test func lookAtFromPositiveXTurnsTheAxes() {
        // Camera at (5,0,0) looking at the origin: forward f = (−1,0,0), right s = f × up = (0,0,−1),
        // up u = s × f = (0,1,0). View rows are s, u, −f with translation (−s·eye, −u·eye, f·eye) = (0,0,−5).
        // Column-major: columns (0,0,1,0), (0,1,0,0), (−1,0,0,0), (0,0,−5,1).
        let view = lookAt([5, 0, 0], [0, 0, 0], [0, 1, 0])
        expectClose(view, [0, 0, 1, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, -5, 1], "view matrix")
        expectClose(point(view, [0, 0, 1]), [-1, 0, -5], "world +z appears on the camera's left")
        expectClose(point(view, [5, 0, 0]), [0, 0, 0], "the eye is the view-space origin")
    }

    @Test func perspectiveMatchesGluPerspective() {
        // fovy 90°, aspect 2, near 1, far 10: f = 1/tan(45°) = 1; m[0] = f/aspect = 0.5, m[5] = 1,
        // m[10] = −(far+near)/(far−near) = −11/9, m[11] = −1, m[14] = −2·far·near/(far−near) = −20/9.
        var m = [Float](repeating: 0, count: 16)
        d3d_perspective(.pi / 2, 2, 1, 10, &m)
        expectClose(m, [0.5, 0, 0, 0, 0, 1, 0, 0, 0, 0, -11.0 / 9, -1, 0, 0, -20.0 / 9, 0], "projection matrix")
        expectClose(point(m, [0, 0, -1]), [0, 0, -1], "centre of the near plane")
        expectClose(point(m, [0, 0, -10]), [0, 0, 1], "centre of the far plane")
        // The near plane's top-right corner is at y = near·tan(45°) = 1, x = aspect·y = 2: NDC (1, 1, −1).
        expectClose(point(m, [2, 1, -1]), [1, 1, -1], "near top-right corner")
        expectClose(point(m, [20, 10, -10]), [1, 1, 1], "far top-right corner")
    }

    @Test func rotationFollowsTheRightHandRule() {
        // 90° about +z: x → y, y → −x, z fixed. Columns are the images of the axes.
        var m = [Float](repeating: 0, count: 16)
        d3d_rotation(.pi / 2, [0, 0, 1], &m)
        expectClose(m, [0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], "Rz(90°)")
        expectClose(direction(m, [1, 0, 0]), [0, 1, 0], "x under Rz(90°)")
        // 120° about (1,1,1), given unnormalised: the cyclic permutation x → y → z → x.
        d3d_rotation(2 * .pi / 3, [2, 2, 2], &m)
        expectClose(direction(m, [1, 0, 0]), [0, 1, 0], "x under 120° about (1,1,1)")
        expectClose(direction(m, [0, 1, 0]), [0, 0, 1], "y under 120° about (1,1,1)")
        expectClose(direction(m, [0, 0, 1]), [1, 0, 0], "z under 120° about (1,1,1)")
    }

    @Test func multiplyAppliesTheRightFactorFirst() {
        // T(1,2,3) · Rz(90°): (1,0,0) rotates to (0,1,0), then moves to (1,3,3).
        let translation: [Float] = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 2, 3, 1]
        let rotation: [Float] = [0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        var m = [Float](repeating: 0, count: 16)
        d3d_multiply(translation, rotation, &m)
        expectClose(point(m, [1, 0, 0]), [1, 3, 3], "T·R on a point")
        expectClose(direction(m, [1, 0, 0]), [0, 1, 0], "directions ignore the translation")
    }

    @Test func inverseOfScaleAndTranslation() {
        // M = T(1,2,3)·diag(2,4,8): M⁻¹ = diag(1/2,1/4,1/8)·T(−1,−2,−3), translation (−1/2, −2/4, −3/8).
        let m: [Float] = [2, 0, 0, 0, 0, 4, 0, 0, 0, 0, 8, 0, 1, 2, 3, 1]
        var inverse = [Float](repeating: 0, count: 16)
        #expect(d3d_inverse(m, &inverse) == 1)
        expectClose(inverse, [0.5, 0, 0, 0, 0, 0.25, 0, 0, 0, 0, 0.125, 0, -0.5, -0.5, -0.375, 1], "inverse")
    }

    @Test func inverseOfViewIsCameraToWorld() {
        // The camera-to-world matrix puts the camera's origin at the eye and its −z axis along the
        // direction to the target, normalised: (0,0.5,0) − (1,2,3) = (−1,−1.5,−3), length 3.5.
        let view = lookAt([1, 2, 3], [0, 0.5, 0], [0, 1, 0])
        var cameraToWorld = [Float](repeating: 0, count: 16)
        #expect(d3d_inverse(view, &cameraToWorld) == 1)
        expectClose(point(cameraToWorld, [0, 0, 0]), [1, 2, 3], "camera centre in the world")
        expectClose(direction(cameraToWorld, [0, 0, -1]), [-1 / 3.5, -1.5 / 3.5, -3 / 3.5], "viewing direction")
        var product = [Float](repeating: 0, count: 16)
        d3d_multiply(cameraToWorld, view, &product)
        expectClose(product, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], "inverse · view")
    }

    @Test func inverseRefusesSingularMatrices() {
        // Columns 0 and 1 equal: determinant 0. `out` must be left as it was.
        let singular: [Float] = [1, 2, 3, 0, 1, 2, 3, 0, 0, 0, 1, 0, 0, 0, 0, 1]
        var out = [Float](repeating: 7, count: 16)
        #expect(d3d_inverse(singular, &out) == 0)
        #expect(out == [Float](repeating: 7, count: 16))
    }
}
