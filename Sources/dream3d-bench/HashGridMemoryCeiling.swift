// HashGridMemoryCeiling.swift — what the memory system alone allows the hash encoding. A level whose
// table is larger than a core's L2 cache (1 MB) costs a cache miss at nearly every corner however the
// kernels are written: a point's 8 corners lie on 4 lines (x-neighbours share one, except 1 time in 8:
// 4.5 lines), read in forward and read-modify-written in backward. Timing random 8-byte reads and
// adds over a 4 MB region per thread (a hashed level's table or gradient), both threads at once, gives
// the rate those misses are served at, and so an upper bound on points/s with the arithmetic free.
import Dream3DCore
import Dream3DScene

/// Upper bound on the encoding's forward+backward points/s from its misses alone, and the two rates
/// (accesses/s per thread) it is computed from.
func hashGridMemoryCeiling(_ encoding: HashGridEncoding) -> (pointsPerSecond: Double, reads: Double, updates: Double) {
    let missingLevels = encoding.tableSizes.filter { $0 > HashGridEncoding.cachedTableEntries }.count
    let reads = randomAccessRate(regionBytes: 4 << 20, update: false)
    let updates = randomAccessRate(regionBytes: 4 << 20, update: true)
    let secondsPerPoint = Double(missingLevels) * 4.5 * (1 / reads + 1 / updates) / Double(workerCount)
    return (1 / secondsPerPoint, reads, updates)
}

/// Random 8-byte accesses per second per thread over `regionBytes`, every thread in its own region.
private func randomAccessRate(regionBytes: Int, update: Bool) -> Double {
    let entries = regionBytes / 8, accesses = 1 << 22
    var generator = SeededGenerator(seed: 4)
    let slots = (0..<accesses).map { _ in Int32(truncatingIfNeeded: generator.next() % UInt64(entries)) }
    var regions = (0..<workerCount).map { _ in zeroedStorage(2 * entries) }
    var sink = [Float](repeating: 0, count: workerCount)
    let (wall, _) = bestTimes {
        slots.withUnsafeBufferPointer { slots in
            sink.withUnsafeMutableBufferPointer { sink in
                let slots = slots.baseAddress!, sink = sink.baseAddress!
                regions.withUnsafeMutableBufferPointer { regions in
                    let regions = regions.baseAddress!
                    parallelFor(workerCount) { thread in
                        regions[thread].withUnsafeMutableBufferPointer { region in
                            let entry = region.baseAddress!
                            // Four sums, so that the additions' latency does not hide the loads'.
                            var sums = SIMD4<Float>()
                            for i in stride(from: 0, to: accesses, by: 4) {
                                for k in 0..<4 {
                                    let e = 2 * Int(slots[i + k])
                                    if update { entry[e] += 1; entry[e + 1] += 1 } else { sums[k] += entry[e] + entry[e + 1] }
                                }
                            }
                            sink[thread] = sums.sum()
                        }
                    }
                }
            }
        }
    }
    return Double(accesses) / wall
}
