// QualitySummary.swift — the quality gate's verdict: the figures over all prompts against the
// thresholds of issue 9 ("Done when"), one criterion each, and the gate passes when all do.
import Foundation

/// The bars of issue 9 for the shipped prior and default recipes.
public struct QualityThresholds: Codable, Sendable, Equatable {
    /// Share of prompts whose family ranks first.
    public var familyFirstShare = 0.85
    /// Share of prompts whose median vertex colour names the prompt's colour.
    public var colourShare = 0.95
    /// Mean best-turn IoU with the prompt's family.
    public var meanFamilyIoU: Float = 0.6
    /// Largest difference between a mesh's view asymmetry and its family's true shape's …
    public var asymmetryTolerance: Float = 0.1
    /// … for at least this share of prompts.
    public var asymmetryShare = 0.8
    public init() {}
}

/// One line of the verdict.
public struct QualityCriterion: Codable, Sendable, Equatable {
    public var name: String
    /// The figure, in words ("20/24 = 83%").
    public var measured: String
    /// The bar, in words ("≥ 85%").
    public var required: String
    public var passed: Bool
}

/// All criteria; the gate passes when every one does.
public struct QualitySummary: Codable, Sendable, Equatable {
    public var criteria: [QualityCriterion]
    public var passed: Bool { criteria.allSatisfy(\.passed) }
}

/// Judges `rows` (at least one) against `thresholds`.
public func summarise(_ rows: [MeshQuality], thresholds: QualityThresholds = QualityThresholds()) -> QualitySummary {
    precondition(!rows.isEmpty, "a quality summary of no meshes")
    func share(_ name: String, _ count: Int, atLeast bar: Double) -> QualityCriterion {
        // Compared as counts, with slack for the bar's binary rounding: 17 of 20 meets 85%.
        QualityCriterion(name: name, measured: "\(count)/\(rows.count) = \(percent(Double(count) / Double(rows.count)))",
                         required: bar >= 1 ? "all" : "≥ \(percent(bar))", passed: Double(count) >= bar * Double(rows.count) - 1e-9)
    }
    let meanIoU = rows.map(\.familyIoU).reduce(0, +) / Float(rows.count)
    let tolerance = thresholds.asymmetryTolerance
    return QualitySummary(criteria: [
        share("family ranked first", rows.filter(\.familyFirst).count, atLeast: thresholds.familyFirstShare),
        share("colour right", rows.filter(\.colourRight).count, atLeast: thresholds.colourShare),
        QualityCriterion(name: "mean IoU with the prompt's family", measured: String(format: "%.3f", meanIoU),
                         required: String(format: "≥ %.2f", thresholds.meanFamilyIoU), passed: meanIoU >= thresholds.meanFamilyIoU),
        share(String(format: "view asymmetry within %.2g of the true shape's", tolerance),
              rows.filter { $0.asymmetryClose(within: tolerance) }.count, atLeast: thresholds.asymmetryShare),
        share("watertight, one main component", rows.filter { $0.watertight && $0.onePiece }.count, atLeast: 1),
    ])
}

private func percent(_ x: Double) -> String { "\(Int((100 * x).rounded()))%" }
