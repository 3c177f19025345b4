// FamilyReference.swift — each family's shape as the quality gate compares meshes with it: the mean
// instance re-framed by the rule `Mesh.framed` applies to meshes, measured on its own surface.
//
// ShapeFamily frames instances with conservative bounds (an ellipsoid's farthest point is bounded by
// its centre's distance plus its longest semi-axis; a turned part's box by its turned corners), so an
// instance's true reach can fall well short of the framing radius: the mushroom's cap brings it ~15%
// short, and the mushroom's own exported mesh, framed from its vertices, scored IoU 0.61 against the
// instance as framed for the dataset. Framing both from surface points (the mesh's vertices; here the
// vertices of the shape's marching-cubes surface) makes the rule the same on both sides.
import Dream3DMesh
import Dream3DScene
import Dream3DShapes

/// A family's shape as meshes are compared with it.
struct FamilyReference {
    /// The shape at mean proportions in its default colour, its bounding-box centre (measured on its
    /// surface) at the origin and its farthest surface point at ShapeLibrary.defaultFramingRadius.
    let scene: AnalyticScene
    /// Per primitive of `scene`: painted in the prompt's colour (ShapeInstance.promptPainted).
    let promptPainted: [Bool]

    init(_ family: ShapeFamily) throws(MeshError) {
        let instance = family.meanInstanceDetails(colour: nil)
        // Density = −distance, so the surface at threshold 0 is the shape's zero set; at 96³ every vertex
        // lies on the surface (linear interpolation) with at most 1/48 between neighbours.
        let traced = TracedScene(instance.scene)
        let surface = try extractMesh(density: { $0.map { -traced.signedDistance($0) } }, albedo: nil,
                                      bounds: AxisAlignedBox(halfSize: 1), options: MeshExtractionOptions(resolution: 96, threshold: 0))
        let (centre, scale) = surface.framing(radius: ShapeLibrary.defaultFramingRadius)!   // a surface's vertices spread out
        scene = instance.scene.reframed(centre: centre, scale: scale)
        promptPainted = instance.promptPainted
    }
}
