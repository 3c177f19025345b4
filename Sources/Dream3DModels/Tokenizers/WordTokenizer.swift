// WordTokenizer.swift — the built-in prior's word-level tokenizer: a vocabulary list (one word per line or
// an array) → ids. Lower-cases, splits on anything that is not a letter or digit, pads/truncates to
// maxLength with the pad id. Unknown words are reported (strict `encode`) or mapped to <unk> (`tokenize`).
// The file format, as the built-in prior ships it in tokenizer/vocab.json: a JSON array of words whose
// index is the id, "<pad>" (0) and "<unk>" (1) first; a word's first occurrence owns it. A list without
// them gets them prepended, which shifts every id by two: write them out to keep ids stable.
import Foundation

public struct WordTokenizer: Sendable {
    public let words: [String]
    public let ids: [String: Int]
    public let maxLength: Int
    /// Id 0 is "<pad>", 1 is "<unk>" when the vocabulary lists them; otherwise they are prepended.
    public let padId: Int, unkId: Int

    public init(vocabulary: [String], maxLength: Int = 16) {
        var list = vocabulary
        if !list.contains("<unk>") { list.insert("<unk>", at: 0) }
        if !list.contains("<pad>") { list.insert("<pad>", at: 0) }
        words = list
        var ids: [String: Int] = [:]
        for (i, w) in list.enumerated() where ids[w] == nil { ids[w] = i }
        self.ids = ids
        self.maxLength = maxLength
        padId = ids["<pad>"]!
        unkId = ids["<unk>"]!
    }

    /// Reads a vocabulary file: a JSON array of words, or one word per line.
    public init(contentsOf url: URL, maxLength: Int = 16) throws(TokenizerError) {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw .badFile(path: url.path, problem: "missing or not UTF-8")
        }
        let list = (try? JSONDecoder().decode([String].self, from: data))
            ?? text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !list.isEmpty else { throw .badFile(path: url.path, problem: "no words") }
        self.init(vocabulary: list, maxLength: maxLength)
    }

    /// Lower-cased words of `text` (runs of letters or digits).
    public func words(of text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }

    /// ids padded/truncated to maxLength, with unknown words as <unk>, and the unknown words.
    public func tokenize(_ text: String) -> (ids: [Int], unknown: [String]) {
        let ws = words(of: text)
        let unknown = ws.filter { ids[$0] == nil }
        var out = ws.prefix(maxLength).map { ids[$0] ?? unkId }
        out += Array(repeating: padId, count: maxLength - out.count)
        return (out, unknown)
    }

    /// Like `tokenize`, but unknown words are an error naming them.
    public func encode(_ text: String) throws(TokenizerError) -> [Int] {
        let (out, unknown) = tokenize(text)
        guard unknown.isEmpty else { throw .unknownWords(unknown, vocabularySize: words.count) }
        return out
    }
}
