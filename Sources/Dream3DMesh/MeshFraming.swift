// MeshFraming.swift — a mesh moved and scaled the way the procedural library frames every instance
// (Dream3DShapes ShapeFamily: bounding-box centre at the origin, farthest point at a fixed radius), so a
// generated mesh and a procedural shape can be compared for shape alone, whatever size and offset the
// optimisation gave the mesh; and turned about the up axis, to search its unknown yaw.
import Foundation

extension Mesh {
    /// The transform `framed(radius:)` applies, world = (x − centre)·scale: centre is the middle of the
    /// bounding box, and the scale puts the vertex farthest from it at `radius`. Nil for a mesh without
    /// vertices or with all of them at one point.
    public func framing(radius: Float) -> (centre: SIMD3<Float>, scale: Float)? {
        guard let box = boundingBox else { return nil }
        let centre = (box.min + box.max) / 2
        let reach = positions.map { length($0 - centre) }.max() ?? 0
        return reach > 0 ? (centre, radius / reach) : nil
    }

    /// The mesh with its bounding box centred on the origin and its farthest vertex `radius` from it.
    /// Normals are unchanged (a uniform scale keeps directions); a mesh `framing` cannot frame is
    /// returned as it is.
    public func framed(radius: Float) -> Mesh {
        guard let (centre, scale) = framing(radius: radius) else { return self }
        var mesh = self
        mesh.positions = positions.map { ($0 - centre) * scale }
        return mesh
    }

    /// The mesh turned by `degrees` about +z (counter-clockwise seen from above, as Dream3DShapes'
    /// occupancyGrid turns shapes), normals with it.
    public func turned(by degrees: Float) -> Mesh {
        let a = degrees * .pi / 180, c = cos(a), s = sin(a)
        func turn(_ p: SIMD3<Float>) -> SIMD3<Float> { SIMD3(c * p.x - s * p.y, s * p.x + c * p.y, p.z) }
        var mesh = self
        mesh.positions = positions.map(turn)
        mesh.normals = normals.map(turn)
        return mesh
    }
}
