// NamedColour.swift — the colour words the built-in prior knows, their albedos, per-sample jitter,
// and the nearest-colour lookup issue 9's quality gate uses to judge a mesh's colour.
// The albedos are hand-picked so that, lit by DreamFusion's lambertian model with ambient 0.1, each
// word's renders stay nearer to their own albedo than to any other's (grey 0.5 versus white 0.92
// is the tightest pair; brown versus orange and red the next).
import Dream3DCore

/// A colour word and the albedo it stands for.
public struct NamedColour: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The canonical word, as it appears in captions ("grey", never "gray").
    public let name: String
    /// Albedo in [0, 1].
    public let rgb: SIMD3<Float>
    /// Other words a prompt may use for it ("gray").
    public let synonyms: [String]

    public init(name: String, rgb: SIMD3<Float>, synonyms: [String] = []) {
        self.name = name
        self.rgb = rgb
        self.synonyms = synonyms
    }

    public var description: String { name }

    /// Every colour word, in the fixed order whose index is the dataset's colour id.
    public static let all: [NamedColour] = [
        NamedColour(name: "red", rgb: SIMD3(0.80, 0.10, 0.10)),
        NamedColour(name: "orange", rgb: SIMD3(0.95, 0.50, 0.08)),
        NamedColour(name: "yellow", rgb: SIMD3(0.95, 0.85, 0.15)),
        NamedColour(name: "green", rgb: SIMD3(0.20, 0.62, 0.20)),
        NamedColour(name: "blue", rgb: SIMD3(0.15, 0.30, 0.85)),
        NamedColour(name: "purple", rgb: SIMD3(0.50, 0.20, 0.70), synonyms: ["violet"]),
        NamedColour(name: "pink", rgb: SIMD3(0.96, 0.55, 0.72)),
        NamedColour(name: "brown", rgb: SIMD3(0.50, 0.30, 0.14)),
        NamedColour(name: "black", rgb: SIMD3(0.08, 0.08, 0.08)),
        NamedColour(name: "white", rgb: SIMD3(0.92, 0.92, 0.92)),
        NamedColour(name: "grey", rgb: SIMD3(0.50, 0.50, 0.50), synonyms: ["gray"]),
        NamedColour(name: "cyan", rgb: SIMD3(0.10, 0.75, 0.80), synonyms: ["turquoise"]),
    ]

    /// The colour called `word` (canonical name or synonym, lower case), nil if none.
    public static func named(_ word: String) -> NamedColour? {
        all.first { $0.name == word || $0.synonyms.contains(word) }
    }

    /// Index of this colour in `all`: the colour id stored with dataset examples.
    public var index: Int { Self.all.firstIndex { $0.name == name }! }

    /// This colour with every channel moved by an independent uniform draw in ±`amount`, clamped to
    /// [0, 1]: neighbouring samples of "red" differ a little, as photographs of red things do.
    public func jittered(by amount: Float, using generator: inout SeededGenerator) -> SIMD3<Float> {
        jitter(rgb, by: amount, using: &generator)
    }
}

/// `rgb` with each channel moved uniformly within ±`amount` and clamped to [0, 1]. Draws 3 values.
func jitter(_ rgb: SIMD3<Float>, by amount: Float, using generator: inout SeededGenerator) -> SIMD3<Float> {
    let d = SIMD3(generator.uniform(in: -amount...amount), generator.uniform(in: -amount...amount),
                  generator.uniform(in: -amount...amount))
    return pointwiseMin(pointwiseMax(rgb + d, .zero), .one)
}

/// The named colour nearest to `rgb` (Euclidean distance in RGB): issue 9's gate compares a mesh's
/// median vertex colour with the prompt's colour this way.
public func nearestNamedColour(_ rgb: SIMD3<Float>) -> NamedColour {
    NamedColour.all.min { a, b in
        let da = a.rgb - rgb, db = b.rgb - rgb
        return (da * da).sum() < (db * db).sum()
    }!
}
