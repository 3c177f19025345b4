// MeshFraming.swift — a mesh moved and scaled the way the procedural library frames every instance
// (Dream3DShapes ShapeFamily: bounding-box centre at the origin, farthest point at a fixed radius), so a
// generated mesh and a procedural shape can be compared for shape alone, whatever size and offset the
// optimisation gave the mesh.

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
}
