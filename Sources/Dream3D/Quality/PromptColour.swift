// PromptColour.swift — the colour the quality gate judges a mesh by (issue 9, item 5 (b)): the median
// vertex colour, taken over the vertices where the prompt's colour belongs.
//
// Over every vertex the median would judge a pink donut by its golden dough (about 70% of its surface,
// orange by name), a blue bed by its wooden frame and a pink ice cream by its wafer: the ground-truth
// meshes of those families fail that way. So the mesh is turned onto its family's shape (the best turn
// of the IoU) and only the vertices nearest a part the prompt paints count — the teddy bear's fur, not
// its eyes; the donut's icing, not its dough.
import Dream3DMesh

/// The per-channel median colour of `mesh`'s vertices nearest a prompt-painted primitive of
/// `reference`, the mesh (framed like the reference) turned onto it: the reference turned by `degrees`
/// matches the mesh, so the mesh turned back by `degrees` lies on the reference. When no vertex is
/// nearest such a part, all vertices count. Nil for a mesh without vertex colours.
func promptPartColour(_ mesh: Mesh, reference: FamilyReference, turn degrees: Float) -> SIMD3<Float>? {
    guard !mesh.colors.isEmpty else { return nil }
    let primitives = reference.scene.primitives
    var painted: [SIMD3<Float>] = []
    for (q, colour) in zip(mesh.turned(by: -degrees).positions, mesh.colors) {
        let nearest = primitives.indices.min { primitives[$0].distance(q) < primitives[$1].distance(q) }!
        if reference.promptPainted[nearest] { painted.append(colour) }
    }
    return medianColour(painted.isEmpty ? mesh.colors : painted)
}

/// The per-channel median (the upper one for an even count): robust to specks the optimisation left in
/// odd colours and to the small fixed-colour parts that sit among the painted ones.
func medianColour(_ colours: [SIMD3<Float>]) -> SIMD3<Float> {
    precondition(!colours.isEmpty, "median of no colours")
    var median = SIMD3<Float>()
    for c in 0..<3 { median[c] = colours.map { $0[c] }.sorted()[colours.count / 2] }
    return median
}
