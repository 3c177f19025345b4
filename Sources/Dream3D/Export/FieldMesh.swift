// FieldMesh.swift — the trained field as a mesh: densities on an N³ grid over the scene box, marching
// cubes at a density threshold, clean-up, and vertex colours from the albedo network.
import Dream3DCore
import Dream3DMesh
import Dream3DScene

/// Extracts the field's surface; errors (no surface at the threshold) come from Dream3DMesh with a hint.
public func fieldMesh(_ field: NeRFField, options: MeshExtractionOptions = MeshExtractionOptions()) throws(MeshError) -> Mesh {
    let density: DensityField = { points in
        withoutGrad { field.density(points.flatMap { [$0.x, $0.y, $0.z] }).scalars }
    }
    let albedo: AlbedoField = { points in
        let colors = withoutGrad { field(points.flatMap { [$0.x, $0.y, $0.z] }).albedo.scalars }
        return (0..<points.count).map { SIMD3(colors[3 * $0], colors[3 * $0 + 1], colors[3 * $0 + 2]) }
    }
    return try extractMesh(density: density, albedo: albedo, bounds: AxisAlignedBox(halfSize: field.configuration.radius), options: options)
}
