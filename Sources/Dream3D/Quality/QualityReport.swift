// QualityReport.swift — the quality gate's results as the CLI prints them (a table and the verdict), as
// JSON (`--json`), and as docs/quality.md.
import Foundation

/// One run of the gate: how it was made, the figures per prompt and the verdict.
public struct QualityReport: Codable, Sendable, Equatable {
    /// When it was scored (ISO 8601, UTC).
    public var date: String
    public var command: String
    /// The prior that guided the generations (guidancePriorDescription).
    public var prior: String
    public var seed: UInt64
    public var steps: Int
    /// The `--set` changes to the default recipe, if any.
    public var overrides: [String] = []
    /// The folder holding the run folders.
    public var runs: String
    public var rows: [MeshQuality]
    public var summary: QualitySummary

    /// The per-prompt table and the verdict, for a terminal.
    public var table: String {
        let width = max(6, rows.map(\.prompt.count).max() ?? 0)
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        var lines = [pad("prompt", width) + "  IoU    rank  best family     colour got/wanted     asymmetry mesh/true  watertight"]
        for r in rows {
            let colour = "\(r.colour ?? "none")/\(r.wantedColour)"
            lines.append(pad(r.prompt, width) + String(format: "  %.3f  %4d  ", r.familyIoU, r.familyRank) + pad(r.bestFamily, 14)
                         + "  " + pad(colour, 15) + pad(r.colourRight ? " ok" : " WRONG", 7)
                         + String(format: "  %.2f/%.2f", r.asymmetry, r.trueAsymmetry) + "            "
                         + closure(r, no: "NO"))
        }
        lines.append("")
        let nameWidth = summary.criteria.map(\.name.count).max() ?? 0
        for c in summary.criteria {
            lines.append(pad(c.name, nameWidth) + "  " + pad(c.measured, 12) + "  " + pad("(gate \(c.required))", 14) + "  " + (c.passed ? "pass" : "FAIL"))
        }
        let failed = summary.criteria.filter { !$0.passed }.count
        lines.append(summary.passed ? "quality gate: PASSED" : "quality gate: FAILED (\(failed) of \(summary.criteria.count) criteria)")
        return lines.joined(separator: "\n")
    }

    /// docs/quality.md: how the figures were made, the table, the verdict and the gallery.
    public func markdown(gallery: String) -> String {
        var text = """
            # Quality gate

            `dream3d eval quality` (issue 9, item 5) scored on \(date).

            - command: `\(command)`
            - prior: \(prior)
            - recipe: the default (`scenes/sds.yaml`)\(overrides.isEmpty ? "" : " with " + overrides.map { "`\($0)`" }.joined(separator: ", ")), seed \(seed), \(steps) steps; run folders in `\(runs)`
            - measures: (a) occupancy IoU on a 64³ grid between the mesh (inside by the even–odd rule) and every
              family's shape at mean proportions, both framed like the training renders (bounding-box centre at the
              origin, farthest point at 0.85), best of 16 turns about the up axis; (b) the named colour nearest the
              median colour of the vertices on the parts the prompt paints; (c) view asymmetry, the mean silhouette IoU of views 90° apart (8 pairs, elevation
              15°), for the mesh and for the family's true shape; (d) watertight and one main component.

            | prompt | family IoU | rank | best family | colour got / wanted | asymmetry mesh / true | watertight, one piece |
            |---|---|---|---|---|---|---|

            """
        for r in rows {
            let colour = "\(r.colour ?? "none") / \(r.wantedColour)" + (r.colourRight ? "" : " ✗")
            let closed = closure(r, no: "**no**")
            text += "| \(r.prompt) | " + String(format: "%.3f | %d", r.familyIoU, r.familyRank) + " | \(r.bestFamily) | \(colour) | "
                + String(format: "%.2f / %.2f", r.asymmetry, r.trueAsymmetry) + " | \(closed) |\n"
        }
        text += "\n| criterion | measured | gate | |\n|---|---|---|---|\n"
        for c in summary.criteria { text += "| \(c.name) | \(c.measured) | \(c.required) | \(c.passed ? "pass" : "**FAIL**") |\n" }
        text += "\n**Quality gate: \(summary.passed ? "passed" : "failed").**\n\n"
        text += "Four views of every mesh (front, left, back, right), rendered from its mesh.obj framed as scored:\n\n![gallery](\(gallery))\n"
        return text
    }
}

/// The closure column: "yes", or `no` with what is wrong.
private func closure(_ r: MeshQuality, no: String) -> String {
    if r.triangleCount == 0 { return no + ", no surface" }
    return (r.watertight ? "yes" : no) + (r.onePiece ? "" : String(format: ", %.1f%% in one piece", 100 * r.largestComponentShare))
}
