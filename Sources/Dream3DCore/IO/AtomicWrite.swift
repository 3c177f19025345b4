// AtomicWrite.swift — every file dream3d writes goes through here: the bytes go to a temporary file
// beside the target, which is renamed over the target only once complete. A crash, a full disk or
// an interrupt therefore leaves either the old file or the new one, never half of one.
import Foundation

/// A file could not be written; names the path and what the system said.
public struct FileWriteError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String {
        """
        could not write \(path): \(reason)
        hint: check that the folder exists, is writable and that the disk has space
        """
    }
}

/// Writes `data` to `url` atomically (temporary file in the same folder, then rename).
public func writeAtomically(_ data: Data, to url: URL) throws(FileWriteError) {
    let folder = url.deletingLastPathComponent()
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).partial-\(UUID().uuidString)")
    do {
        try data.write(to: temporary)
    } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw FileWriteError(path: url.path, reason: (error as NSError).localizedDescription)
    }
    if rename(temporary.path, url.path) != 0 {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temporary)
        throw FileWriteError(path: url.path, reason: reason)
    }
}
