// ProgressPrinter.swift — a run's progress: a one-line bar redrawn in place on a terminal (a line per
// 5% when standard error is a file or pipe), JSON lines on standard output with --json, or nothing.
import Dream3D
import Foundation

final class ProgressPrinter {
    enum Mode { case bar, json, quiet }
    let mode: Mode, label: String
    private let isTerminal = isatty(FileHandle.standardError.fileDescriptor) != 0
    private var lastTwentieth = -1

    init(mode: Mode, label: String) {
        self.mode = mode
        self.label = label
    }

    func report(_ p: GenerationProgress) {
        switch mode {
        case .quiet: return
        case .json: FileHandleOutput.standardOutput.write(p.jsonLine + "\n")
        case .bar:
            let twentieth = 20 * p.step / max(1, p.steps)
            guard isTerminal || twentieth != lastTwentieth else { return }
            lastTwentieth = twentieth
            let bar = String(repeating: "#", count: twentieth) + String(repeating: "-", count: 20 - twentieth)
            let eta = Int(p.secondsRemaining.rounded())
            let line = String(format: "%@ [%@] step %d/%d  t %d  grad %.4f  %.0f ms/step  ETA %d:%02d", label, bar, p.step, p.steps,
                              p.metrics.timestep, p.metrics.gradientScale, 1000 * p.secondsPerStep,
                              eta / 60, eta % 60)
            FileHandleOutput.standardError.write(isTerminal ? "\r\(line)\u{1B}[K" : "\(line)\n")
        }
    }

    func finish() {
        if mode == .bar && isTerminal { FileHandleOutput.standardError.write("\n") }
    }
}
