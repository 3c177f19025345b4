// ParallelFor.swift — the one way kernels use both cores (DESIGN.md §6).
//
// Work is split into chunks whose boundaries depend only on the problem size, never on the number
// of threads, and partial results are combined in chunk order, so a parallel reduction gives the
// same bits on every run and every machine.
import Dispatch

/// Number of worker threads kernels split work across (the machine's active cores).
public let workerCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

/// Calls `body(i)` for every i in 0..<count, spread over the cores. Iterations must be independent.
@inline(__always)
public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    if count <= 1 || workerCount == 1 {
        for i in 0..<count { body(i) }
    } else {
        // Kernels hand their iterations raw buffer pointers, which Swift cannot prove Sendable;
        // the contract above (independent iterations, disjoint writes) is what makes this safe.
        withoutActuallyEscaping(body) { body in
            let work = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: count) { work.value($0) }
        }
    }
}

/// Carries a value across the `@Sendable` boundary of `concurrentPerform`; see `parallelFor`.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Splits 0..<count into at most `maxChunks` contiguous ranges of at least `minChunk` elements and
/// calls `body(range)` for each in parallel. The split depends only on `count`.
@inline(__always)
public func parallelChunks(_ count: Int, minChunk: Int = 4096, maxChunks: Int = 64, _ body: (Range<Int>) -> Void) {
    let chunks = chunkCount(count, minChunk: minChunk, maxChunks: maxChunks)
    parallelFor(chunks) { c in body(chunkRange(c, of: chunks, count: count)) }
}

/// `body(range)` of each chunk of 0..<count (split as `parallelChunks` does), computed in parallel and
/// returned in chunk order: the pieces of a result that is built range by range and then joined.
public func parallelChunkResults<Result>(_ count: Int, minChunk: Int = 4096, maxChunks: Int = 64,
                                         _ body: (Range<Int>) -> Result) -> [Result] {
    let chunks = chunkCount(count, minChunk: minChunk, maxChunks: maxChunks)
    var results = [Result?](repeating: nil, count: chunks)
    results.withUnsafeMutableBufferPointer { r in
        let base = r.baseAddress!
        parallelFor(chunks) { c in base[c] = body(chunkRange(c, of: chunks, count: count)) }
    }
    return results.map { $0! }
}

/// Sum over 0..<count of `term(range)` computed per chunk in parallel and added in chunk order: the
/// same bits on every run. Partial sums are Double so long reductions do not lose precision.
public func deterministicSum(_ count: Int, minChunk: Int = 4096, _ partial: (Range<Int>) -> Double) -> Double {
    let chunks = chunkCount(count, minChunk: minChunk, maxChunks: 64)
    var partials = [Double](repeating: 0, count: chunks)
    partials.withUnsafeMutableBufferPointer { p in
        let base = p.baseAddress!
        parallelFor(chunks) { c in base[c] = partial(chunkRange(c, of: chunks, count: count)) }
    }
    return partials.reduce(0, +)
}

@inline(__always)
func chunkCount(_ count: Int, minChunk: Int, maxChunks: Int) -> Int {
    max(1, min(maxChunks, count / max(1, minChunk)))
}

@inline(__always)
func chunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
    (c * count / chunks)..<((c + 1) * count / chunks)
}

import Foundation
