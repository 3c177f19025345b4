import Foundation

/// Writes text to standard output or error unbuffered, so progress shows at once even when piped.
enum FileHandleOutput {
    case standardOutput, standardError
    func write(_ text: String) {
        (self == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError).write(Data(text.utf8))
    }
}
