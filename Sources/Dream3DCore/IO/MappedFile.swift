// MappedFile.swift — a whole file mapped read-only into memory (safetensors and PNG readers).
//
// Checkpoints run to hundreds of megabytes; mapping them costs no copy and no memory beyond the page
// cache, and a tensor is read only when asked for (as the reference safetensors loaders do with
// memmap2). Errors carry the system's own words ("No such file or directory"), which Foundation's
// Data(contentsOf:) replaces on Linux with a vaguer sentence. Whoever holds a pointer into `bytes`
// must keep the MappedFile alive meanwhile (withExtendedLifetime). The one risk of mapping — another process truncating the file under us (SIGBUS) — does
// not arise with files dream3d writes: writers replace files by rename (AtomicWrite.swift), so an
// open mapping keeps the old, complete file.
import Foundation

/// A read-only mapping of a file's bytes, unmapped when the last reference goes.
final class MappedFile: @unchecked Sendable {   // immutable after init, and the mapping is read-only
    /// Why the system refused; the caller wraps it in its own error with the path.
    struct Failure: Error { let reason: String }

    /// The file's bytes (empty, with no base address, for an empty file).
    let bytes: UnsafeRawBufferPointer

    init(path: String) throws(Failure) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }                                  // the mapping outlives the descriptor
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw Failure(reason: "not a regular file (a folder?)") }
        let size = Int(info.st_size)
        guard size > 0 else {                                // mmap refuses length 0
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw Failure(reason: String(cString: strerror(errno)))
        }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
