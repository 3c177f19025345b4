import Foundation

/// Writes text to standard error unbuffered.
enum FileHandleOutput {
    case standardError
    func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
