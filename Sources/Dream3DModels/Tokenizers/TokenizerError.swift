// TokenizerError.swift — problems with a tokenizer's files or with text a strict tokenizer cannot encode.

public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    /// vocab.json, merges.txt or a word list that is missing or malformed.
    case badFile(path: String, problem: String)
    /// Words the word-level vocabulary does not contain.
    case unknownWords([String], vocabularySize: Int)

    public var description: String {
        switch self {
        case let .badFile(path, problem):
            """
            \(path): \(problem)
            hint: a CLIP tokenizer folder holds vocab.json (token → id) and merges.txt ("#version" line, then "a b" per merge)
            """
        case let .unknownWords(words, size):
            """
            the prompt uses words outside the built-in prior's vocabulary of \(size): \(words.joined(separator: ", "))
            hint: rephrase with known words (`dream3d prior vocabulary` lists them) or use --guidance sd with a Stable Diffusion model
            """
        }
    }
}
