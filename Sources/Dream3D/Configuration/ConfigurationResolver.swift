// ConfigurationResolver.swift — defaults ← recipe YAML ← `--set a.b=v`, then one strict decode
// (threestudio's OmegaConf.merge order; STYLE.md §4). Every key must exist in the defaults: an unknown
// key fails with its dotted path and the closest valid key, never silently.
import Foundation
import Yams

/// A recipe or override that cannot be applied.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case unreadableRecipe(path: String, reason: String)
    case invalidYAML(path: String, reason: String)
    case malformedOverride(String)
    case unknownKey(path: String, known: [String], suggestion: String?, source: String)
    case invalidValue(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableRecipe(path, reason):
            return "cannot read recipe \(path): \(reason)\nhint: check the path given to --config"
        case let .invalidYAML(path, reason):
            return "recipe \(path) is not valid YAML: \(reason)\nhint: recipes are YAML mappings, e.g. `sds: {guidanceScale: 50}`"
        case let .malformedOverride(text):
            return "--set \(text): expected key=value\nhint: e.g. --set sds.guidanceScale=7.5"
        case let .unknownKey(path, known, suggestion, source):
            let hint = suggestion.map { "did you mean \($0)?" } ?? "known keys here: \(known.joined(separator: ", "))"
            return "\(source): \(path): unknown key\nhint: \(hint)"
        case let .invalidValue(path, reason):
            return "\(path): \(reason)\nhint: the value must have the type of the default (see the run folder's config.yaml)"
        }
    }
}

public enum ConfigurationResolver {
    /// `defaults` with the recipe at `recipe` and then `overrides` ("a.b=value", value in YAML) applied.
    public static func resolve<C: Codable>(_ defaults: C, recipe: URL?, overrides: [String]) throws(ConfigurationError) -> C {
        var tree = encodeTree(defaults)
        if let recipe {
            let text: String
            do { text = try String(contentsOf: recipe, encoding: .utf8) } catch {
                throw .unreadableRecipe(path: recipe.path, reason: (error as NSError).localizedDescription)
            }
            let loaded: Any?
            do { loaded = try Yams.load(yaml: text) } catch { throw .invalidYAML(path: recipe.path, reason: "\(error)") }
            if let loaded {
                guard let mapping = loaded as? [String: Any] else { throw .invalidYAML(path: recipe.path, reason: "the top level is not a mapping") }
                try merge(mapping, into: &tree, prefix: "", source: recipe.lastPathComponent)
            }
        }
        for override in overrides {
            guard let equals = override.firstIndex(of: "="), equals != override.startIndex else { throw .malformedOverride(override) }
            let path = String(override[..<equals]), text = String(override[override.index(after: equals)...])
            let value = (try? Yams.load(yaml: text)) ?? text
            var nested: Any = value as Any
            for key in path.split(separator: ".").reversed() { nested = [String(key): nested] }
            guard let mapping = nested as? [String: Any] else { throw .malformedOverride(override) }
            try merge(mapping, into: &tree, prefix: "", source: "--set")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: tree)
            return try JSONDecoder().decode(C.self, from: data)
        } catch let error as DecodingError {
            throw describe(error)
        } catch {
            throw .invalidValue(path: "configuration", reason: "\(error)")
        }
    }

    /// The configuration as YAML, as saved in a run folder (config.yaml).
    /// Yams writes every Float through Double in exponent form (0.01 as 9.99999977648258e-3); each such
    /// value is rewritten as the shortest decimal that reads back as the same Float ("0.01", "20.0").
    public static func yaml<C: Encodable>(_ configuration: C) -> String {
        let text = (try? YAMLEncoder().encode(configuration)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let marker = line.range(of: ": ") ?? line.range(of: "- ") else { return String(line) }
            let value = line[marker.upperBound...]
            guard value.contains("e"), value.allSatisfy({ "0123456789.e+-".contains($0) }), let number = Float(value) else {
                return String(line)
            }
            return String(line[..<marker.upperBound]) + number.description
        }.joined(separator: "\n")
    }

    /// The JSON object tree of `value` (nested dictionaries, arrays, numbers, strings, booleans).
    static func encodeTree<C: Encodable>(_ value: C) -> [String: Any] {
        let data = try! JSONEncoder().encode(value)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Writes `source` over `tree` key by key; every key must already exist in `tree`.
    static func merge(_ source: [String: Any], into tree: inout [String: Any], prefix: String, source origin: String) throws(ConfigurationError) {
        for key in source.keys.sorted() {
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            guard let current = tree[key] else {
                let known = tree.keys.sorted()
                throw .unknownKey(path: path, known: known, suggestion: closest(key, in: known).map { prefix.isEmpty ? $0 : "\(prefix).\($0)" },
                                  source: origin)
            }
            if var child = current as? [String: Any], let replacement = source[key] as? [String: Any] {
                try merge(replacement, into: &child, prefix: path, source: origin)
                tree[key] = child
            } else {
                tree[key] = source[key]
            }
        }
    }

    /// The known key nearest to `key` by edit distance, if it is near enough to be a typo.
    static func closest(_ key: String, in known: [String]) -> String? {
        let scored = known.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let substitution = previous + (a[i - 1] == b[j - 1] ? 0 : 1)
                previous = row[j]
                row[j] = min(substitution, row[j] + 1, row[j - 1] + 1)
            }
        }
        return row[b.count]
    }

    /// A decoding failure as the dotted key path and what was wrong with its value.
    static func describe(_ error: DecodingError) -> ConfigurationError {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case let .typeMismatch(type, context): return .invalidValue(path: path(context), reason: "expected \(type)")
        case let .valueNotFound(type, context): return .invalidValue(path: path(context), reason: "missing \(type)")
        case let .keyNotFound(key, context): return .invalidValue(path: path(context) + "." + key.stringValue, reason: "missing")
        case let .dataCorrupted(context): return .invalidValue(path: path(context), reason: context.debugDescription)
        @unknown default: return .invalidValue(path: "configuration", reason: "\(error)")
        }
    }
}
