// CLIPTokenizer.swift — CLIP's byte-level BPE, giving the ids of transformers' CLIPTokenizer (tokenizers
// backend, src/transformers/models/clip/tokenization_clip.py) from vocab.json + merges.txt:
//   1. normalise: Unicode NFC, every run of whitespace → one space, lower-case;
//   2. split into words with CLIP's pattern
//      <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
//      (matches kept, the rest — spaces — dropped), each word's UTF-8 bytes through the byte-level table;
//   3. BPE per word, the last symbol carrying "</w>", merging the lowest-ranked pair first;
//   4. <|startoftext|> ids <|endoftext|>, truncated to maxLength (77) and padded with the pad token.
// Differs: the regexes run on ICU (NSRegularExpression) where tokenizers uses Oniguruma; both use Unicode
// general categories for \p{L}/\p{N}, and \s agrees on the whitespace prompts contain in practice.
import Foundation

public final class CLIPTokenizer: @unchecked Sendable {
    public let vocabulary: [String: Int]
    let ranks: [String: Int]          // "a b" → merge priority (line order in merges.txt)
    public let bosId: Int, eosId: Int, padId: Int
    public let maxLength: Int
    private let wordPattern: NSRegularExpression
    private let whitespace = try! NSRegularExpression(pattern: "\\s+")
    private var cache: [String: [Int]] = [:]
    private let lock = NSLock()

    public init(vocabulary: [String: Int], merges: [(String, String)], maxLength: Int = 77,
                padToken: String = "<|endoftext|>") throws(TokenizerError) {
        guard let bos = vocabulary["<|startoftext|>"], let eos = vocabulary["<|endoftext|>"] else {
            throw .badFile(path: "vocab.json", problem: "no <|startoftext|> or <|endoftext|> token")
        }
        guard let pad = vocabulary[padToken] else { throw .badFile(path: "vocab.json", problem: "no pad token \(padToken)") }
        self.vocabulary = vocabulary
        var ranks: [String: Int] = [:]
        for (i, (a, b)) in merges.enumerated() where ranks["\(a) \(b)"] == nil { ranks["\(a) \(b)"] = i }
        self.ranks = ranks
        bosId = bos
        eosId = eos
        padId = pad
        self.maxLength = maxLength
        wordPattern = try! NSRegularExpression(
            pattern: #"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"#)
    }

    /// Reads `folder/vocab.json` and `folder/merges.txt` (and the pad token from tokenizer_config.json if present).
    public convenience init(folder: URL, maxLength: Int = 77) throws(TokenizerError) {
        let vocabURL = folder.appendingPathComponent("vocab.json"), mergesURL = folder.appendingPathComponent("merges.txt")
        guard let vocabData = FileManager.default.contents(atPath: vocabURL.path) else {
            throw .badFile(path: vocabURL.path, problem: "missing")
        }
        guard let vocabulary = try? JSONDecoder().decode([String: Int].self, from: vocabData) else {
            throw .badFile(path: vocabURL.path, problem: "not a JSON object of token → id")
        }
        guard let mergesText = try? String(contentsOf: mergesURL, encoding: .utf8) else {
            throw .badFile(path: mergesURL.path, problem: "missing or not UTF-8")
        }
        var merges: [(String, String)] = []
        for (n, line) in mergesText.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if n == 0 && line.hasPrefix("#version") { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { throw .badFile(path: mergesURL.path, problem: "line \(n + 1) is not two symbols: \(line)") }
            merges.append((String(parts[0]), String(parts[1])))
        }
        var pad = "<|endoftext|>"
        let configURL = folder.appendingPathComponent("tokenizer_config.json")
        if let data = FileManager.default.contents(atPath: configURL.path),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            if let token = object["pad_token"] as? String { pad = token }
            if let token = (object["pad_token"] as? [String: Any])?["content"] as? String { pad = token }
        }
        try self.init(vocabulary: vocabulary, merges: merges, maxLength: maxLength, padToken: pad)
    }

    /// The ids of `text` without special tokens, padding or truncation.
    public func tokenize(_ text: String) -> [Int] {
        let composed = text.precomposedStringWithCanonicalMapping
        let normalized = whitespace.stringByReplacingMatches(in: composed, range: NSRange(composed.startIndex..., in: composed),
                                                             withTemplate: " ").lowercased()
        let ns = normalized as NSString
        var ids: [Int] = []
        for match in wordPattern.matches(in: normalized, range: NSRange(location: 0, length: ns.length)) {
            let word = ns.substring(with: match.range)
            if word == "<|startoftext|>" { ids.append(bosId); continue }
            if word == "<|endoftext|>" { ids.append(eosId); continue }
            ids += bpe(word)
        }
        return ids
    }

    /// <|startoftext|> ids <|endoftext|>, truncated to maxLength and padded to it (padding "max_length",
    /// truncation true, as Stable Diffusion pipelines call the tokenizer).
    public func callAsFunction(_ text: String) -> [Int] {
        let content = tokenize(text).prefix(maxLength - 2)
        let ids = [bosId] + content + [eosId]
        return ids + Array(repeating: padId, count: maxLength - ids.count)
    }

    /// BPE of one pre-tokenized word (its UTF-8 bytes as byte-level characters), cached.
    func bpe(_ word: String) -> [Int] {
        lock.lock()
        if let hit = cache[word] { lock.unlock(); return hit }
        lock.unlock()
        var symbols = word.utf8.map { String(byteToUnicode[Int($0)]) }
        guard !symbols.isEmpty else { return [] }
        symbols[symbols.count - 1] += "</w>"
        while symbols.count > 1 {
            var best: (rank: Int, index: Int)? = nil
            for i in 0..<(symbols.count - 1) {
                if let rank = ranks["\(symbols[i]) \(symbols[i + 1])"], rank < (best?.rank ?? .max) { best = (rank, i) }
            }
            guard let best else { break }
            let (a, b) = (symbols[best.index], symbols[best.index + 1])
            var merged: [String] = []
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == a && symbols[i + 1] == b {
                    merged.append(a + b); i += 2
                } else {
                    merged.append(symbols[i]); i += 1
                }
            }
            symbols = merged
        }
        let unk = eosId                                  // CLIPTokenizer's unk_token is <|endoftext|>
        let ids = symbols.map { vocabulary[$0] ?? unk }
        lock.lock(); cache[word] = ids; lock.unlock()
        return ids
    }
}
