// Camera.swift — pinhole cameras, built with GLM through the CGLM bridge.
//
// World frame as threestudio's: z is up, the object sits at the origin, and a camera at elevation e,
// azimuth a and distance d is at d·(cos e·cos a, cos e·sin a, sin e) looking at the origin; azimuth 0
// looks at the object's front from +x. Camera frame as OpenGL's: +x right, +y up, looking down −z.
import CGLM
import Foundation

/// Where a camera is and how it sees: camera-to-world pose, vertical field of view, image size.
public struct Camera: Codable, Sendable, Equatable {
    /// Camera-to-world, 4×4 column-major (m[4c + r]); columns 0–2 are the camera's right, up and
    /// backward axes in world space, column 3 its position.
    public var cameraToWorld: [Float]
    /// Vertical field of view, radians.
    public var fovy: Float
    public var width: Int
    public var height: Int
    /// The orbit coordinates the camera was placed with (degrees, and world units): the built-in
    /// prior's camera conditioning and the view-dependent prompt read them.
    public var elevation: Float, azimuth: Float, distance: Float

    /// The same camera drawing a square image of side `size` (pose and field of view kept).
    public func withSize(_ size: Int) -> Camera {
        var camera = self
        camera.width = size
        camera.height = size
        return camera
    }

    /// The same camera moved `degrees` further round the up axis (elevation, distance, field of view
    /// and size kept).
    public func turned(by degrees: Float) -> Camera {
        Camera(elevation: elevation, azimuth: azimuth + degrees, distance: distance, fovy: fovy, width: width, height: height)
    }

    /// A camera on the orbit around the origin (z up), looking at the origin.
    public init(elevation: Float, azimuth: Float, distance: Float, fovy: Float, width: Int, height: Int) {
        let e = elevation * .pi / 180, a = azimuth * .pi / 180
        var eye: [Float] = [distance * cos(e) * cos(a), distance * cos(e) * sin(a), distance * sin(e)]
        // Straight above or below, z cannot be "up"; the camera's up is then the azimuth direction.
        var up: [Float] = abs(cos(e)) < 1e-6 ? [-cos(a) * (sin(e) > 0 ? 1 : -1), -sin(a) * (sin(e) > 0 ? 1 : -1), 0] : [0, 0, 1]
        var target: [Float] = [0, 0, 0], view = [Float](repeating: 0, count: 16), pose = [Float](repeating: 0, count: 16)
        d3d_look_at(&eye, &target, &up, &view)
        let invertible = d3d_inverse(&view, &pose)
        precondition(invertible == 1, "look-at matrix not invertible for elevation \(elevation), azimuth \(azimuth)")
        self.cameraToWorld = pose
        self.fovy = fovy
        self.width = width
        self.height = height
        self.elevation = elevation
        self.azimuth = azimuth
        self.distance = distance
    }

    /// The camera's position in world space.
    public var position: SIMD3<Float> { SIMD3(cameraToWorld[12], cameraToWorld[13], cameraToWorld[14]) }

    /// Focal length in pixels: half the image height over tan(fovy / 2).
    public var focalLength: Float { Float(height) / 2 / tan(fovy / 2) }

    /// One ray per pixel, row-major from the top-left pixel, through pixel centres.
    public func rays() -> Rays {
        var origins = [Float](), directions = [Float]()
        origins.reserveCapacity(width * height * 3)
        directions.reserveCapacity(width * height * 3)
        let f = focalLength, m = cameraToWorld
        for row in 0..<height {
            for column in 0..<width {
                let x = (Float(column) + 0.5 - Float(width) / 2) / f
                let y = -(Float(row) + 0.5 - Float(height) / 2) / f
                // Rotate (x, y, −1) into the world: x·right + y·up − backward.
                var d = SIMD3(m[0] * x + m[4] * y - m[8], m[1] * x + m[5] * y - m[9], m[2] * x + m[6] * y - m[10])
                d /= (d * d).sum().squareRoot()
                origins += [m[12], m[13], m[14]]
                directions += [d.x, d.y, d.z]
            }
        }
        return Rays(origins: origins, directions: directions)
    }

    /// Which side of the object the camera sees, for view-dependent prompts (DreamFusion §3.2).
    public var viewLabel: ViewLabel { ViewLabel(elevation: elevation, azimuth: azimuth) }
}

/// Rays as flat arrays: origins and unit directions, [count, 3] each.
public struct Rays: Sendable, Equatable {
    public var origins: [Float]
    public var directions: [Float]
    public var count: Int { origins.count / 3 }
}

/// The side of the object a camera sees. Thresholds are threestudio's (prompt_processors/base.py):
/// overhead above 60° elevation, front within ±45° of azimuth 0, back within 45° of 180°, else side.
public enum ViewLabel: String, Codable, Sendable, CaseIterable {
    case front, side, back, overhead

    public init(elevation: Float, azimuth: Float) {
        let a = (azimuth + 180).truncatingRemainder(dividingBy: 360)
        let shifted = (a < 0 ? a + 360 : a) - 180           // in [−180, 180)
        if elevation > 60 { self = .overhead } else if abs(shifted) < 45 { self = .front } else if abs(shifted) > 135 { self = .back } else { self = .side }
    }

    /// The phrase appended to a prompt: "a teddy bear, front view".
    public var promptSuffix: String { "\(rawValue) view" }
}
