// MeshQuality.swift — what the quality gate (issue 9, item 5) measures on one mesh, and the measuring:
// (a) occupancy IoU with every family's procedural shape at mean proportions on a 64³ grid, best of 16
// turns about the up axis, and where the prompt's family ranks; (b) the named colour nearest the median
// vertex colour where the prompt's colour belongs (PromptColour.swift); (c) view asymmetry against the
// family's true shape (ViewAsymmetry.swift); (d) watertight and in one main piece.
//
// Alignment. The mesh and the shapes are compared in the frame the prior was trained in (z up, object
// at the origin) with size and offset taken out: both are framed as ShapeFamily frames every dataset
// instance — bounding-box centre at the origin, farthest point at ShapeLibrary.defaultFramingRadius —
// measured on their surfaces (FamilyReference.swift), and only the mesh's yaw is searched (16 turns).
// Why: nothing in score distillation pins the object's size or exact centre, and the prompt asks for
// neither, so a raw-frame IoU would punish a slightly small or off-centre teddy bear as hard as a wrong
// shape; the up axis, though, is fixed by the training renders (every camera orbits z), so turns about
// z are the one freedom left.
import Dream3DCore
import Dream3DMesh
import Dream3DShapes

/// The gate's figures for one mesh.
public struct MeshQuality: Codable, Sendable, Equatable {
    public var prompt: String
    /// The prompt's family (canonical name).
    public var family: String
    /// Best-turn occupancy IoU of the framed mesh with the prompt's family at mean proportions.
    public var familyIoU: Float
    /// 1 + the number of other families whose IoU is at least the prompt family's: 1 means ranked first
    /// (alone; an empty mesh, at IoU 0 with every family, ranks last).
    public var familyRank: Int
    /// The family with the highest IoU, and that IoU.
    public var bestFamily: String
    public var bestFamilyIoU: Float
    /// The named colour nearest the median colour of the vertices on the parts the prompt paints (nil: the
    /// mesh has no vertex colours).
    public var colour: String?
    /// The prompt's colour word, or its family's default colour.
    public var wantedColour: String
    /// Mean silhouette IoU of views 90° apart: the framed mesh's as it stands (the figure hardly depends
    /// on yaw), and the family's true shape's, framed alike.
    public var asymmetry: Float
    public var trueAsymmetry: Float
    /// 0 when the run made no surface.
    public var triangleCount: Int
    public var watertight: Bool
    /// Share of the triangles in the largest connected component.
    public var largestComponentShare: Double

    public var familyFirst: Bool { familyRank == 1 }
    public var colourRight: Bool { colour == wantedColour }
    public func asymmetryClose(within tolerance: Float) -> Bool { abs(asymmetry - trueAsymmetry) <= tolerance }
    /// One main component: all other pieces together under 1% of the triangles. The exporter already
    /// drops every piece under 1%, so an exported mesh passes exactly when it is one piece.
    public var onePiece: Bool { largestComponentShare >= 0.99 }
}

/// Occupancy grid side and turns of the IoU (issue 9: 64³, 16 rotations about the up axis).
let qualityGridResolution = 64
let qualityTurns = 16

/// Scores `meshes[i]`, made for `prompts[i]`, against every family of `library`. The turns search the
/// mesh's yaw by turning the mesh, not the shapes: 16 voxelisations of each mesh (milliseconds) against
/// one sampling of each family, instead of 16 samplings of every family's signed distance.
public func measureQuality(meshes: [Mesh], prompts: [ParsedPrompt], library: ShapeLibrary) throws -> [MeshQuality] {
    precondition(meshes.count == prompts.count, "\(meshes.count) meshes for \(prompts.count) prompts")
    let references = try library.families.map { try FamilyReference($0) }
    let familyGrids = references.map { occupancyGrid($0.scene, resolution: qualityGridResolution) }
    var trueAsymmetry: [Int: Float] = [:]
    return zip(meshes, prompts).map { mesh, prompt in
        let framed = mesh.framed(radius: ShapeLibrary.defaultFramingRadius), own = prompt.familyIndex
        // best[f]: the highest IoU with family f and the turn of the family that gives it (the mesh turned
        // back by that much lies on the family's shape).
        var best = [(iou: Float, degrees: Float)](repeating: (-1, 0), count: familyGrids.count)
        for k in 0..<qualityTurns {
            let degrees = 360 * Float(k) / Float(qualityTurns)
            let grid = framed.turned(by: -degrees).occupancyGrid(resolution: qualityGridResolution)
            for (f, familyGrid) in familyGrids.enumerated() {
                let iou = occupancyIoU(grid, familyGrid)
                if iou > best[f].iou { best[f] = (iou, degrees) }
            }
        }
        let scores = best.map(\.iou)
        let first = scores.indices.max { scores[$0] < scores[$1] }!
        if trueAsymmetry[own] == nil { trueAsymmetry[own] = viewAsymmetry(of: references[own].scene) }
        return MeshQuality(
            prompt: prompt.text, family: prompt.family.name, familyIoU: scores[own],
            familyRank: 1 + scores.indices.filter { $0 != own && scores[$0] >= scores[own] }.count,
            bestFamily: library.families[first].name, bestFamilyIoU: scores[first],
            colour: promptPartColour(framed, reference: references[own], turn: best[own].degrees).map { nearestNamedColour($0).name },
            wantedColour: prompt.resolvedColour.name,
            asymmetry: viewAsymmetry(of: framed), trueAsymmetry: trueAsymmetry[own]!,
            triangleCount: mesh.triangleCount, watertight: mesh.isWatertight, largestComponentShare: mesh.largestComponentShare)
    }
}
