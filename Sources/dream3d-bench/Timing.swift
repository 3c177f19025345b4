// Timing.swift — wall-clock measurement for the benchmarks: best of several runs after a warm-up,
// the usual way to read a kernel's speed on a machine that also runs other things. Beside it the
// process CPU time (all threads) of the cheapest run: on a loaded machine wall time also counts the
// waits for a core, CPU time mostly the work itself, so before/after comparisons read it.
import Foundation

/// The shortest wall-clock time of `runs` calls of `body`, in seconds, after one warm-up call.
func bestTime(runs: Int = 5, _ body: () -> Void) -> Double {
    bestRun(runs: runs, body).seconds
}

/// The shortest wall-clock time and the smallest process CPU time of `runs` calls of `body`, in
/// seconds, after one warm-up call.
func bestTimes(runs: Int = 5, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    var best = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds, cpuStart = processCPUTime()
        body()
        let cpu = processCPUTime() - cpuStart
        best = (min(best.wall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9), min(best.cpu, cpu))
    }
    return best
}

/// CPU time used by the process so far, all threads, in seconds.
func processCPUTime() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// The shortest of `runs` timed calls (after a warm-up) and the value that call returned.
func bestRun<T>(runs: Int = 5, _ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
    var best = (seconds: Double.infinity, value: try body())
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let value = try body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if seconds < best.seconds { best = (seconds, value) }
    }
    return best
}

/// Prints one benchmark line: name, figure and its ratio to a reference, then the CPU time per call
/// when given.
func report(_ name: String, _ figure: String, ratio: Double, to reference: String, cpu: Double? = nil) {
    let line = "\(name.padding(toLength: 56, withPad: " ", startingAt: 0)) \(figure.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%.2f", ratio)) × \(reference)"
    print(cpu.map { line + String(repeating: " ", count: max(1, 104 - line.count)) + String(format: "CPU %.1f ms", $0 * 1e3) } ?? line)
}
