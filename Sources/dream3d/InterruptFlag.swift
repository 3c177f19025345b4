// InterruptFlag.swift — Ctrl-C as a request: the first SIGINT sets a flag the run polls between steps
// (it then saves its checkpoint and mesh); a second one exits at once.
import Dispatch
import Foundation
import Synchronization

final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    private static let shared = InterruptFlag()
    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    /// Routes SIGINT to the shared flag (idempotent).
    static func install() -> InterruptFlag {
        guard source == nil else { return shared }
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if shared.flag.load(ordering: .relaxed) { exit(130) }
            shared.flag.store(true, ordering: .relaxed)
            FileHandleOutput.standardError.write("\ninterrupted: finishing this step, then saving the checkpoint and the mesh (Ctrl-C again to quit now)\n")
        }
        source.resume()
        Self.source = source
        return shared
    }

    func isSet() -> Bool { flag.load(ordering: .relaxed) }
}
