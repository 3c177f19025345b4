// Timing.swift — wall-clock measurement for the benchmarks: best of several runs after a warm-up,
// the usual way to read a kernel's speed on a machine that also runs other things.
import Foundation

/// The shortest wall-clock time of `runs` calls of `body`, in seconds, after one warm-up call.
func bestTime(runs: Int = 5, _ body: () -> Void) -> Double {
    body()
    var best = Double.infinity
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

/// Prints one benchmark line: name, figure and its ratio to a reference.
func report(_ name: String, _ figure: String, ratio: Double, to reference: String) {
    print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(figure.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%.2f", ratio)) × \(reference)")
}
