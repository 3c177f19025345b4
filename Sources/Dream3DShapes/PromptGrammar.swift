// PromptGrammar.swift — what the built-in prior understands: "a/an [colour] [object]" with the
// families' synonyms, and an optional view phrase ("front view", ", from the side"), the view words
// DreamFusion appends (§3.2; threestudio prompt_processors/base.py). Case and punctuation are ignored
// and hyphens split words ("ice-cream" = "ice cream"). Words it does not know are kept and reported in
// a warning that also lists what it knows: the user sees that "photo of" was ignored, not silence.
// The same grammar writes the training captions (`caption`), so prompts and captions always agree,
// and lists the word-level vocabulary of the prior's tokenizer (`vocabulary`).
import Dream3DScene

/// A prompt as the built-in prior reads it.
public struct ParsedPrompt: Sendable {
    public let family: ShapeFamily
    /// The family's index in the library: its id in the dataset.
    public let familyIndex: Int
    /// The colour the prompt names; nil means the family's default.
    public let colour: NamedColour?
    public let view: ViewLabel?
    /// Words that are neither articles, colours, object names nor view phrases, in prompt order.
    public let unknownWords: [String]
    /// The whole prompt as given.
    public let text: String
    /// The library's canonical object names, for the warning.
    let knownObjects: [String]

    /// The colour to render: the named one or the family default.
    public var resolvedColour: NamedColour { colour ?? family.defaultNamedColour }
    /// A warning to print when some words were ignored, nil otherwise.
    public var warning: PromptWarning? {
        unknownWords.isEmpty ? nil : PromptWarning(prompt: text, unknownWords: unknownWords, understood: canonical,
                                                    knownObjects: knownObjects, knownColours: NamedColour.all.map(\.name))
    }
    /// The prompt as the grammar writes it ("a red teddy bear, front view").
    public var canonical: String {
        PromptGrammar.caption(family: family.name, colour: colour, view: view)
    }
}

/// Some words of a prompt were ignored; printed by the CLI before a run starts.
public struct PromptWarning: Sendable, CustomStringConvertible {
    public let prompt: String
    public let unknownWords: [String]
    /// What the prior will be asked for instead.
    public let understood: String
    /// Canonical object names and colour words the prior knows.
    public let knownObjects: [String]
    public let knownColours: [String]
    public var description: String {
        """
        warning: the built-in prior does not know \(unknownWords.map { "\"\($0)\"" }.joined(separator: ", ")) in "\(prompt)"; it reads "\(understood)"
        it knows the objects \(knownObjects.joined(separator: ", "));
        the colours \(knownColours.joined(separator: ", ")); and the views \(PromptGrammar.viewPhrases.map { "\"\($0.phrases[0])\"" }.joined(separator: ", "))
        hint: `dream3d prior info` lists every synonym and view phrase; use --model with Stable Diffusion weights for open prompts
        """
    }
}

/// A prompt the built-in prior cannot read at all.
public enum PromptError: Error, CustomStringConvertible {
    case noObject(prompt: String, unknownWords: [String], knownObjects: [String])

    public var description: String {
        switch self {
        case let .noObject(prompt, unknown, known):
            """
            the built-in prior knows no object in "\(prompt)"\(unknown.isEmpty ? "" : " (unknown words: \(unknown.joined(separator: ", ")))")
            it knows: \(known.joined(separator: ", "))
            hint: name one of those, e.g. "a red \(known.first ?? "chair")"; or use --model with Stable Diffusion weights for open prompts
            """
        }
    }
}

/// The prompt grammar over a shape library.
public struct PromptGrammar: Sendable {
    public let library: ShapeLibrary

    /// Articles accepted before the object (and dropped).
    public static let articles: Set<String> = ["a", "an", "the", "one"]
    /// View phrases by label; the first of each is the canonical one captions use.
    public static let viewPhrases: [(label: ViewLabel, phrases: [String])] = [
        (.front, ["front view", "from the front", "from front", "facing forward"]),
        (.side, ["side view", "from the side", "from side", "profile view"]),
        (.back, ["back view", "from the back", "from behind", "rear view", "from the rear"]),
        (.overhead, ["overhead view", "from above", "top view", "from the top"]),
    ]

    public init(library: ShapeLibrary) { self.library = library }

    /// Lower-cased words: letters and digits kept, everything else (hyphens, commas, full stops)
    /// separates words. The pre-tokenizer of the prior's word-level tokenizer.
    public static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Reads `prompt`. Throws only when it names no known object; unknown words otherwise end up in
    /// `unknownWords` (and a later second colour or object is reported there too).
    public func parse(_ prompt: String) throws(PromptError) -> ParsedPrompt {
        let words = Self.words(prompt)
        // Every multi-word name, longest first, so "ice cream cone" wins over "cone".
        var phrases: [(words: [String], kind: Match)] = []
        for (index, family) in library.families.enumerated() {
            for name in family.allNames { phrases.append((Self.words(name), .family(index))) }
        }
        for colour in NamedColour.all { for name in [colour.name] + colour.synonyms { phrases.append(([name], .colour(colour))) } }
        for (label, list) in Self.viewPhrases { for phrase in list { phrases.append((Self.words(phrase), .view(label))) } }
        phrases.sort { $0.words.count > $1.words.count }

        var family: Int?, colour: NamedColour?, view: ViewLabel?, unknown: [String] = []
        var i = 0
        while i < words.count {
            guard let match = phrases.first(where: { p in
                i + p.words.count <= words.count && Array(words[i..<(i + p.words.count)]) == p.words
            }) else {
                if !Self.articles.contains(words[i]) { unknown.append(words[i]) }
                i += 1
                continue
            }
            let matched = words[i..<(i + match.words.count)]
            switch match.kind {
            case let .family(index): if family == nil { family = index } else { unknown += matched }
            case let .colour(c): if colour == nil { colour = c } else { unknown += matched }
            case let .view(v): if view == nil { view = v } else { unknown += matched }
            }
            i += match.words.count
        }
        guard let family else {
            throw .noObject(prompt: prompt, unknownWords: unknown, knownObjects: library.families.map(\.name))
        }
        return ParsedPrompt(family: library.families[family], familyIndex: family, colour: colour, view: view,
                            unknownWords: unknown, text: prompt, knownObjects: library.families.map(\.name))
    }

    private enum Match { case family(Int), colour(NamedColour), view(ViewLabel) }

    /// The canonical caption for a family, an optional colour word and an optional view:
    /// "a teddy bear", "an orange mug", "a red chair, side view". Training captions are exactly these.
    public static func caption(family: String, colour: NamedColour?, view: ViewLabel?) -> String {
        let noun = colour.map { "\($0.name) \(family)" } ?? family
        let article = "aeiou".contains(noun.first ?? "x") ? "an" : "a"
        return "\(article) \(noun)" + (view.map { ", \($0.promptSuffix)" } ?? "")
    }

    /// Every word the grammar accepts or writes (articles, colours, object names, view phrases),
    /// sorted: the word-level vocabulary of the prior's tokenizer.
    public var vocabulary: [String] {
        var all = Self.articles
        for colour in NamedColour.all { all.insert(colour.name); all.formUnion(colour.synonyms) }
        for family in library.families { for name in family.allNames { all.formUnion(Self.words(name)) } }
        for (_, list) in Self.viewPhrases { for phrase in list { all.formUnion(Self.words(phrase)) } }
        return all.sorted()
    }
}
