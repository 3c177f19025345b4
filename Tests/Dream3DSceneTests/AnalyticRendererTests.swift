// Signed-distance primitives against their definitions, and the sphere tracer against closed forms.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DScene

@Suite struct AnalyticRendererTests {
    @Test func primitivesAreZeroOnTheirSurfaces() {
        let points: [(SignedDistanceShape, SIMD3<Float>, Float)] = [
            (.sphere(radius: 0.5), SIMD3(0, 0.5, 0), 0), (.sphere(radius: 0.5), SIMD3(0, 0, 0), -0.5),
            (.ellipsoid(radii: SIMD3(0.2, 0.4, 0.6)), SIMD3(0, 0, 0.6), 0), (.ellipsoid(radii: SIMD3(0.2, 0.4, 0.6)), SIMD3(0.2, 0, 0), 0),
            (.roundedBox(halfSize: SIMD3(0.3, 0.2, 0.1), rounding: 0), SIMD3(0.5, 0, 0), 0.2),
            (.roundedBox(halfSize: SIMD3(0.3, 0.2, 0.1), rounding: 0.05), SIMD3(0, 0, 0.1), 0),
            (.cylinder(radius: 0.3, halfHeight: 0.5), SIMD3(0.3, 0, 0.2), 0), (.cylinder(radius: 0.3, halfHeight: 0.5), SIMD3(0, 0, 0.9), 0.4),
            (.cone(bottom: 0.4, top: 0, halfHeight: 0.5), SIMD3(0.2, 0, 0), 0), (.cone(bottom: 0.4, top: 0, halfHeight: 0.5), SIMD3(0, 0, -0.7), 0.2),
            (.torus(major: 0.5, minor: 0.1), SIMD3(0.6, 0, 0), 0), (.torus(major: 0.5, minor: 0.1), SIMD3(0, 0, 0), 0.4),
            (.capsule(a: SIMD3(0, 0, -0.3), b: SIMD3(0, 0, 0.3), radius: 0.1), SIMD3(0, 0, 0.4), 0),
            (.capsule(a: SIMD3(0, 0, -0.3), b: SIMD3(0, 0, 0.3), radius: 0.1), SIMD3(0.3, 0, 0), 0.2),
        ]
        for (shape, p, expected) in points {
            #expect(abs(shape.distance(p) - expected) < 1e-5, "\(shape) at \(p): \(shape.distance(p)) vs \(expected)")
        }
        // Placement: a box rotated 90° about z swaps its x and y extents.
        let box = ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.4, 0.1, 0.1), rounding: 0), at: SIMD3(1, 0, 0),
                                   rotation: [SIMD3(0, -1, 0), SIMD3(1, 0, 0), SIMD3(0, 0, 1)], color: .one)
        #expect(abs(box.distance(SIMD3(1, 0.4, 0))) < 1e-5 && abs(box.distance(SIMD3(1.1, 0, 0))) < 1e-5)
    }

    @Test func tracedSphereHasTheClosedFormDepthAndShading() {
        // A unit-albedo sphere of radius 0.5 seen from distance 2: the centre ray hits at t = 1.5; with the
        // light at the camera the centre pixel's factor is a + (1 − a)·1 = 1; the silhouette's angular
        // radius is asin(0.5 / 2), so the covered fraction of a fovy-wide square image is known.
        let scene = AnalyticScene([ColoredPrimitive(.sphere(radius: 0.5), color: SIMD3(0.2, 0.6, 1))])
        let camera = Camera(elevation: 0, azimuth: 0, distance: 2, fovy: 40 * .pi / 180, width: 33, height: 33)
        let render = SphereTracer().render(scene, camera: camera, lighting: Lighting(position: camera.position, ambient: 0.1),
                                           mode: .lambertian, background: SIMD3(0, 0, 0))
        let centre = 16 * 33 + 16
        #expect(abs(render.depth.scalars[centre] - 1.5) < 1e-3)
        #expect(abs(render.image.scalars[33 * 33 + centre] - 0.6) < 2e-3)          // green channel
        let angular = asin(Float(0.25)), f = camera.focalLength
        let expectedPixels = Float.pi * pow(f * tan(angular), 2)
        let covered = render.opacity.scalars.reduce(0, +)
        #expect(abs(covered - expectedPixels) / expectedPixels < 0.05, "covered \(covered) pixels, expected \(expectedPixels)")
        // A corner pixel misses: background, opacity 0.
        #expect(render.opacity.scalars[0] == 0 && render.image.scalars[0] == 0)
    }

    @Test func supersamplingAntiAliasesTheSilhouette() {
        let scene = AnalyticScene([ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.3, 0.3, 0.3), rounding: 0.02), color: .one)])
        let camera = Camera(elevation: 20, azimuth: 30, distance: 1.8, fovy: 0.9, width: 16, height: 16)
        let plain = SphereTracer().render(scene, camera: camera, lighting: Lighting(position: SIMD3(2, 2, 2)), mode: .albedo, background: .zero)
        let smooth = SphereTracer().render(scene, camera: camera, lighting: Lighting(position: SIMD3(2, 2, 2)), mode: .albedo,
                                           background: .zero, supersampling: 4)
        #expect(plain.opacity.scalars.allSatisfy { $0 == 0 || $0 == 1 })
        #expect(smooth.opacity.scalars.contains { $0 > 0 && $0 < 1 })
        #expect(abs(plain.opacity.scalars.reduce(0, +) - smooth.opacity.scalars.reduce(0, +)) < 6)   // same area, ± edge pixels
    }

    @Test func texturelessIgnoresAlbedo() {
        let scene = AnalyticScene([ColoredPrimitive(.sphere(radius: 0.5), color: SIMD3(1, 0, 0))])
        let camera = Camera(elevation: 0, azimuth: 0, distance: 2, fovy: 0.7, width: 9, height: 9)
        let render = SphereTracer().render(scene, camera: camera, lighting: Lighting(position: camera.position), mode: .textureless, background: .zero)
        let c = 4 * 9 + 4
        #expect(abs(render.image.scalars[c] - render.image.scalars[81 + c]) < 1e-6 && render.image.scalars[81 + c] > 0.9)
    }
}
