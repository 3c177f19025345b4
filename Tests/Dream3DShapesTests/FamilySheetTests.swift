// Regenerates docs/shapes.png when DREAM3D_WRITE_SHAPES_PNG=1 (off by default: tests never write
// into the repository on their own).
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DShapes

@Suite struct FamilySheetTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DREAM3D_WRITE_SHAPES_PNG"] == "1"))
    func familySheetWritesDocsShapesPNG() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try writePNG(familySheet(try library()), to: repository.appendingPathComponent("docs/shapes.png"))
    }

    /// DREAM3D_WRITE_DATASET_PNG=/path/to.png: the first 64 training examples as the prior sees them.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DREAM3D_WRITE_DATASET_PNG"] != nil))
    func datasetSamplesSheet() throws {
        let path = try #require(ProcessInfo.processInfo.environment["DREAM3D_WRITE_DATASET_PNG"])
        let examples = DatasetRenderer(library: try library(), seed: 1).examples(0..<64)
        try writePNG(imageGrid(examples.map(\.image), columns: 8), to: URL(fileURLWithPath: path))
        print(examples.enumerated().map { "\($0): \($1.caption)" }.joined(separator: "\n"))
    }
}
