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
}
