// TemporaryDirectory.swift — a fresh folder under the system's temporary directory for one test,
// removed afterwards, so tests that write files leave nothing behind and never collide in parallel.
import Foundation

/// Runs `body` with a new empty folder and deletes the folder (and everything in it) afterwards.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}
