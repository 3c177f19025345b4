// Storage.swift — how large float buffers are allocated. Buffers of several megabytes are accessed
// at random by the hash grid (its tables and their gradients); on 4 KB pages every such access also
// misses the TLB. Asking Linux for transparent huge pages (2 MB) on those buffers, before their first
// touch, removes those misses. Elsewhere, and for small buffers, this is a plain zeroed array.
//
// Every training step allocates and frees the same activations again (tens of MB at a 64² render).
// glibc gives freed memory back to the kernel (munmap above its mmap threshold, trimming the heap top
// beyond 2× that), and the next step then faults in fresh pages the kernel must zero first: perf put
// 8–13% of an SDS step in clear_page_erms. `reuseFreedMemory` keeps freed memory in the heap instead.
import CIntrinsics
#if canImport(Glibc)
import Glibc
#endif

/// Buffers at least this large are advised to use huge pages.
let hugePageThreshold = 4 << 20

/// `count` zeros; large buffers backed by transparent huge pages where the system offers them.
public func zeroedStorage(_ count: Int) -> [Float] {
    storage(count) { $0.initialize(repeating: 0) }
}

/// `count` floats of no particular value, for an output its kernel writes whole before anyone reads it.
public func uninitializedStorage(_ count: Int) -> [Float] { storage(count) { _ in } }

/// `count` floats set by `initialize`, which must write every one (an op's output, written whole by its
/// kernel, so the zero fill of `zeroedStorage` would be a wasted pass over memory); huge pages as above.
public func storage(_ count: Int, initializedBy initialize: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    _ = reuseFreedMemory
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress, count * MemoryLayout<Float>.stride >= hugePageThreshold {
            adviseHugePages(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Float>.stride)
        }
        initialize(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        initialized = count
    }
}

/// Set once, before the first large buffer: blocks of every size come from the heap (glibc caps its
/// mmap threshold at 32 MB, and a 64² shaded render's [samples, 64] activations are larger), and the
/// heap is never trimmed, so freed buffers are reused without page faults. The cost is that the
/// process keeps its peak heap size.
private let reuseFreedMemory: Void = d3d_reuse_freed_memory()

/// madvise(MADV_HUGEPAGE) over the 2 MB-aligned part of the range; a no-op where unsupported.
private func adviseHugePages(_ base: UnsafeMutableRawPointer, bytes: Int) {
    #if os(Linux)
    let page = 2 << 20, start = (Int(bitPattern: base) + page - 1) / page * page
    let end = (Int(bitPattern: base) + bytes) / page * page
    if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, 14) }   // 14 = MADV_HUGEPAGE
    #endif
}
