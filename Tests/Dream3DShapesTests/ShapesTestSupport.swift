// Shared by the shape tests: the library, loaded once from the repository's Assets.
import Foundation
import Dream3DCore
@testable import Dream3DShapes

/// The shipped library; a load failure fails every test that needs it, with the loader's message.
let sharedLibrary: Result<ShapeLibrary, ShapeLibraryError> = Result { () throws(ShapeLibraryError) in try ShapeLibrary.load() }

func library() throws -> ShapeLibrary { try sharedLibrary.get() }

/// A fresh temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-shapes-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
