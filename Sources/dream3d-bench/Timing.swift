// Timing.swift — wall-clock measurement for the benchmarks: best of several runs after a warm-up,
// the usual way to read a kernel's speed on a machine that also runs other things.
import Foundation

/// The shortest wall-clock time of `runs` calls of `body`, in seconds, after one warm-up call.
func bestTime(runs: Int = 5, _ body: () -> Void) -> Double {
    bestRun(runs: runs, body).seconds
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

/// Prints one benchmark line: name, figure and its ratio to a reference.
func report(_ name: String, _ figure: String, ratio: Double, to reference: String) {
    print("\(name.padding(toLength: 56, withPad: " ", startingAt: 0)) \(figure.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%.2f", ratio)) × \(reference)")
}
