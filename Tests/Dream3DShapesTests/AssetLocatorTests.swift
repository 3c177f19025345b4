// The Assets folder is found from anywhere, the environment variable wins, and failures say where
// they looked and what to do.
import Foundation
import Testing
@testable import Dream3DShapes

@Suite(.serialized) struct AssetLocatorTests {
    @Test func environmentVariableWinsAndATypoIsAnError() throws {
        let folder = try temporaryFolder("env")
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = try AssetLocator.assetsFolder(environment: ["DREAM3D_ASSETS": folder.path], executable: nil, sourceFile: nil)
        #expect(found.resolvingSymlinksInPath().path == folder.resolvingSymlinksInPath().path)
        #expect(throws: AssetError.environmentFolderMissing(path: folder.path + "-typo")) {
            try AssetLocator.assetsFolder(environment: ["DREAM3D_ASSETS": folder.path + "-typo"], executable: nil, sourceFile: #filePath)
        }
    }

    @Test func findsAssetsBesideOrAboveTheRealExecutable() throws {
        let root = try temporaryFolder("exe")
        defer { try? FileManager.default.removeItem(at: root) }
        let fm = FileManager.default
        try fm.createDirectory(at: root.appendingPathComponent("release/Assets"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("release/build/bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: root.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        let executable = root.appendingPathComponent("release/build/bin/dream3d")
        try Data().write(to: executable)
        let link = root.appendingPathComponent("elsewhere/dream3d")
        try fm.createSymbolicLink(at: link, withDestinationURL: executable)
        for exe in [executable, link] {
            let found = try AssetLocator.assetsFolder(environment: [:], executable: exe, sourceFile: nil)
            #expect(found.resolvingSymlinksInPath().path == root.appendingPathComponent("release/Assets").resolvingSymlinksInPath().path)
        }
    }

    @Test func absentAssetsErrorListsWhereItLooked() throws {
        let root = try temporaryFolder("none")
        defer { try? FileManager.default.removeItem(at: root) }
        let exe = root.appendingPathComponent("dream3d")
        do {
            _ = try AssetLocator.assetsFolder(environment: [:], executable: exe, sourceFile: root.appendingPathComponent("a/b/c.swift").path)
            // A machine with an /Assets folder at its root would end the search there; nothing else may.
            #expect(FileManager.default.fileExists(atPath: "/Assets"))
        } catch {
            let text = error.description
            #expect(text.contains(root.appendingPathComponent("Assets").path) && text.contains("hint:") && text.contains("DREAM3D_ASSETS"))
            guard case let .notFound(searched) = error else { Issue.record("unexpected \(error)"); return }
            #expect(searched.last == root.appendingPathComponent("Assets").path)   // the #filePath guess, three levels up
        }
    }

    @Test func defaultSearchWorksFromAnotherWorkingDirectory() throws {
        let folder = try temporaryFolder("cwd")
        let previous = FileManager.default.currentDirectoryPath
        defer {
            _ = FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(at: folder)
        }
        let moved = FileManager.default.changeCurrentDirectoryPath(folder.path)
        #expect(moved)
        var environment = ProcessInfo.processInfo.environment
        environment["DREAM3D_ASSETS"] = nil
        let assets = try AssetLocator.assetsFolder(environment: environment)
        #expect(FileManager.default.fileExists(atPath: assets.appendingPathComponent("shapes/families.json").path))
        #expect(try ShapeLibrary.load(from: assets.appendingPathComponent("shapes/families.json")).families.count >= 24)
    }

    /// A relocated binary (no Assets beside or above it) falls back on the checkout it was built from, whichever
    /// module asks: the shipped prior is looked up from Sources/Dream3D/Generation, two folders deeper.
    @Test func buildTimeFallbackIsTheCheckoutForEveryCaller() throws {
        #expect(AssetLocator.sourceFile.hasSuffix("Sources/Dream3DShapes/AssetLocator.swift"))
        let assets = try AssetLocator.assetsFolder(environment: [:], executable: nil)
        #expect(FileManager.default.fileExists(atPath: assets.appendingPathComponent("priors/builtin/model_index.json").path), "\(assets.path)")
    }
}
