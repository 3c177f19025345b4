// CameraSampler.swift — random training cameras and fixed preview orbits.
import Dream3DCore

/// Ranges random cameras are drawn from. Defaults are DreamFusion's as threestudio configures them
/// (configs/dreamfusion-sd.yaml, random-camera data): elevation −10…45°, azimuth −180…180°,
/// distance 1.5…2.0, vertical field of view 40…70°.
public struct CameraSampler: Codable, Sendable, Equatable {
    public var elevationRange: ClosedRange<Float> = -10...45
    public var azimuthRange: ClosedRange<Float> = -180...180
    public var distanceRange: ClosedRange<Float> = 1.5...2.0
    public var fovyRange: ClosedRange<Float> = 40...70      // degrees
    public var width = 64
    public var height = 64

    public init() {}

    /// One camera, drawn uniformly from each range (elevation uniform in degrees, as threestudio).
    public func sample(using generator: inout SeededGenerator) -> Camera {
        let elevation = generator.uniform(in: elevationRange), azimuth = generator.uniform(in: azimuthRange)
        let distance = generator.uniform(in: distanceRange), fovy = generator.uniform(in: fovyRange)
        return Camera(elevation: elevation, azimuth: azimuth, distance: distance, fovy: fovy * .pi / 180,
                      width: width, height: height)
    }

    /// `views` cameras evenly spaced in azimuth (starting at the front) at a fixed elevation,
    /// distance and field of view: previews and turntables.
    public func orbit(views: Int, elevation: Float = 15, distance: Float = 1.75, fovyDegrees: Float = 55) -> [Camera] {
        (0..<views).map { i in
            Camera(elevation: elevation, azimuth: 360 * Float(i) / Float(views), distance: distance,
                   fovy: fovyDegrees * .pi / 180, width: width, height: height)
        }
    }
}
