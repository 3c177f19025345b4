// PriorInfo.swift — the text of `dream3d prior info`: what the built-in prior's grammar knows, so a
// user whose prompt drew a warning can see the words to use instead. The CLI only prints it.

/// `priorInfoText` for the shipped library (Assets/shapes/families.json, found by AssetLocator).
public func priorInfoText() throws(ShapeLibraryError) -> String {
    priorInfoText(try ShapeLibrary.load())
}

/// Objects with their other names, default colours and colour rules; colour words; view phrases.
public func priorInfoText(_ library: ShapeLibrary) -> String {
    var lines = ["The built-in prior knows \(library.families.count) objects, \(NamedColour.all.count) colours and \(PromptGrammar.viewPhrases.count) views.",
                 "Prompts read as \"a/an [colour] [object][, view phrase]\", e.g. \"a red teddy bear, side view\".", "", "Objects (other names; default colour; what the colour word paints):"]
    let width = library.families.map(\.name.count).max() ?? 0
    for family in library.families {
        let names = family.synonyms.isEmpty ? family.name : "\(family.name.padding(toLength: width, withPad: " ", startingAt: 0)) (\(family.synonyms.joined(separator: ", ")))"
        lines.append("  \(names); \(family.defaultColour); \(family.colourRule)")
    }
    lines.append("")
    lines.append("Colours: " + NamedColour.all.map { c in c.synonyms.isEmpty ? c.name : "\(c.name) (\(c.synonyms.joined(separator: ", ")))" }.joined(separator: ", "))
    lines.append("")
    lines.append("Views (optional, at the end):")
    for (label, phrases) in PromptGrammar.viewPhrases {
        lines.append("  \(label.rawValue): " + phrases.map { "\"\($0)\"" }.joined(separator: ", "))
    }
    lines.append("")
    lines.append("Other words are ignored with a warning. Families: \(library.url.path)")
    return lines.joined(separator: "\n")
}
