// The prompt grammar: articles, colours, synonyms, view phrases, case and punctuation, unknown
// words and their warning, captions that parse back to themselves, the vocabulary, prior info.
import Testing
import Dream3DScene
@testable import Dream3DShapes

@Suite struct PromptGrammarTests {
    func parse(_ prompt: String) throws -> ParsedPrompt { try PromptGrammar(library: try library()).parse(prompt) }

    @Test func plainPromptsTakeTheFamilyDefaultColour() throws {
        let p = try parse("a teddy bear")
        #expect(p.family.name == "teddy bear" && p.colour == nil && p.resolvedColour.name == "brown")
        #expect(p.view == nil && p.unknownWords.isEmpty && p.warning == nil)
        #expect(try parse("a snowman").resolvedColour.name == "white")
        #expect(try parse("an apple").resolvedColour.name == "red")
        #expect(try parse("the mug").family.name == "mug")
    }

    @Test func coloursCaseAndPunctuation() throws {
        let p = try parse("  A Red   TEDDY-Bear!! ")
        #expect(p.family.name == "teddy bear" && p.colour?.name == "red" && p.unknownWords.isEmpty)
        #expect(try parse("a gray robot.").colour?.name == "grey")
        #expect(try parse("an Orange mug").colour?.name == "orange")
    }

    @Test func synonymsNameTheirFamilies() throws {
        let expected = ["teddy": "teddy bear", "bear": "teddy bear", "cup": "mug", "coffee cup": "mug", "pine": "tree", "pine tree": "tree",
                        "ice cream": "ice cream cone", "ice-cream cone": "ice cream cone", "ice cream cone": "ice cream cone",
                        "cone": "traffic cone", "traffic cone": "traffic cone", "doughnut": "donut", "burger": "hamburger",
                        "spaceship": "rocket", "toadstool": "mushroom"]
        for (word, family) in expected {
            let p = try parse("a blue \(word)")
            #expect(p.family.name == family && p.colour?.name == "blue" && p.unknownWords.isEmpty, "\"\(word)\" read as \(p.family.name), unknown \(p.unknownWords)")
        }
    }

    @Test func viewPhrases() throws {
        let cases: [(String, ViewLabel)] = [("a chair, side view", .side), ("a chair from the side", .side), ("a red duck, back view", .back),
                                            ("a duck, from behind", .back), ("a house, overhead view", .overhead), ("a car, front view", .front),
                                            ("a car from above", .overhead)]
        for (prompt, view) in cases {
            let p = try parse(prompt)
            #expect(p.view == view && p.unknownWords.isEmpty, "\(prompt): \(String(describing: p.view)), unknown \(p.unknownWords)")
        }
    }

    @Test func unknownWordsWarnAndListWhatIsKnown() throws {
        let p = try parse("a photo of a red chair")
        #expect(p.family.name == "chair" && p.colour?.name == "red")
        #expect(p.unknownWords == ["photo", "of"])
        let warning = try #require(p.warning).description
        #expect(warning.contains("\"photo\", \"of\"") && warning.contains("a red chair") && warning.contains("hint:") && warning.contains("prior info"))
        #expect(warning.contains("teddy bear") && warning.contains("ice cream cone") && warning.contains("purple") && warning.contains("\"side view\""))
        // A second object or colour is reported, not silently merged.
        #expect(try parse("a red blue chair").unknownWords == ["blue"])
        #expect(try parse("a chair and a table").unknownWords == ["and", "table"])
        #expect { try parse("a blue dragon") } throws: { error in
            guard case let PromptError.noObject(_, unknown, known) = error else { return false }
            return unknown == ["dragon"] && known.contains("teddy bear") && "\(error)".contains("hint:")
        }
    }

    @Test func captionsParseBackToThemselves() throws {
        let lib = try library(), grammar = PromptGrammar(library: lib)
        #expect(PromptGrammar.caption(family: "apple", colour: nil, view: nil) == "an apple")
        #expect(PromptGrammar.caption(family: "teddy bear", colour: NamedColour.named("red"), view: .front) == "a red teddy bear, front view")
        #expect(PromptGrammar.caption(family: "mug", colour: NamedColour.named("orange"), view: nil) == "an orange mug")
        let vocabulary = Set(grammar.vocabulary)
        #expect(grammar.vocabulary == grammar.vocabulary.sorted() && vocabulary.count == grammar.vocabulary.count)
        for family in lib.families {
            for colour in [nil] + NamedColour.all.map(Optional.some) {
                for view in [nil] + ViewLabel.allCases.map(Optional.some) {
                    let caption = PromptGrammar.caption(family: family.name, colour: colour, view: view)
                    let p = try grammar.parse(caption)
                    #expect(p.family.name == family.name && p.colour == colour && p.view == view && p.unknownWords.isEmpty, "\(caption)")
                    #expect(PromptGrammar.words(caption).allSatisfy(vocabulary.contains), "\(caption) has words outside the vocabulary")
                }
            }
        }
    }

    @Test func priorInfoListsFamiliesColoursAndViews() throws {
        let lib = try library(), text = priorInfoText(lib)
        #expect(try priorInfoText() == text)
        for family in lib.families { #expect(text.contains(family.name) && family.synonyms.allSatisfy(text.contains)) }
        for colour in NamedColour.all { #expect(text.contains(colour.name)) }
        #expect(text.contains("\"side view\"") && text.contains("\"from the side\""))
    }
}
