// AssetLocator.swift — finds dream3d's `Assets/` folder (shape families, the built-in prior's
// weights) from any working directory. Search order, first hit wins:
//   1. the environment variable DREAM3D_ASSETS (when set it must name a folder: a typo is an error,
//      never a silent fall-back to another copy);
//   2. an `Assets` folder next to the running executable or in any parent of its real path (symlinks
//      resolved), which covers `.build/release/dream3d` inside a checkout and an installed
//      `bin/dream3d` beside `bin/Assets` or `share/../Assets`;
//   3. the repository's `Assets`, found from this file's #filePath: development builds and tests.
// The working directory is never consulted, so `cd /tmp && dream3d …` behaves like anywhere else.
import Foundation

/// `Assets/` could not be found; lists every place that was tried.
public enum AssetError: Error, CustomStringConvertible, Equatable {
    case environmentFolderMissing(path: String)
    case notFound(searched: [String])

    public var description: String {
        switch self {
        case let .environmentFolderMissing(path):
            """
            DREAM3D_ASSETS is set to \(path), which is not a folder
            hint: point DREAM3D_ASSETS at the Assets folder of a dream3d checkout or release, or unset it
            """
        case let .notFound(searched):
            """
            could not find dream3d's Assets folder; looked in:
            \(searched.map { "  " + $0 }.joined(separator: "\n"))
            hint: set DREAM3D_ASSETS=/path/to/dream3d/Assets, or keep Assets next to the dream3d executable
            """
        }
    }
}

/// Finds the `Assets` folder; see the file comment for the search order.
public enum AssetLocator {
    /// The environment variable that overrides the search.
    public static let environmentVariable = "DREAM3D_ASSETS"

    /// This file's path at build time. A `#filePath` default argument would be the caller's file, and
    /// callers in other folders (Sources/Dream3D/Generation/…) would look three levels up from there.
    public static let sourceFile: String = #filePath

    /// The Assets folder. Parameters exist for tests; callers use the defaults.
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - executable: the running executable (nil skips step 2).
    ///   - sourceFile: this file's path at build time (nil skips step 3).
    public static func assetsFolder(environment: [String: String] = ProcessInfo.processInfo.environment,
                                    executable: URL? = Bundle.main.executableURL,
                                    sourceFile: String? = AssetLocator.sourceFile) throws(AssetError) -> URL {
        if let path = environment[environmentVariable], !path.isEmpty {
            guard isFolder(path) else { throw .environmentFolderMissing(path: path) }
            return URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        }
        var searched: [String] = []
        if let executable {
            var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
            while true {
                let candidate = folder.appendingPathComponent("Assets", isDirectory: true)
                searched.append(candidate.path)
                if isFolder(candidate.path) { return candidate.standardizedFileURL }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        if let sourceFile {
            // Sources/Dream3DShapes/AssetLocator.swift → the repository root is three levels up.
            let root = URL(fileURLWithPath: sourceFile).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let candidate = root.appendingPathComponent("Assets", isDirectory: true)
            searched.append(candidate.path)
            if isFolder(candidate.path) { return candidate.standardizedFileURL }
        }
        throw .notFound(searched: searched)
    }

    private static func isFolder(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
