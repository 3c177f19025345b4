// The families as shipped: they load, draw deterministically, fit the unit sphere while filling
// most of it, are solid somewhere, and carry the asymmetric features they claim (issue 9 needs them).
import Foundation
import Testing
import Dream3DCore
import Dream3DScene
@testable import Dream3DShapes

@Suite struct ShapeLibraryTests {
    @Test func everyIssueFamilyLoads() throws {
        let lib = try library()
        let required = ["teddy bear", "snowman", "mushroom", "chair", "table", "mug", "lamp", "tree", "rocket", "duck", "car", "house",
                        "donut", "apple", "hamburger", "cactus", "robot", "penguin", "traffic cone", "bench", "bed", "bottle",
                        "umbrella", "ice cream cone"]
        #expect(lib.families.count >= 24)
        for name in required { #expect(lib.family(named: name) != nil, "missing family \(name)") }
        #expect(lib.family(named: "Teddy")?.name == "teddy bear")
        #expect(lib.family(named: "ice-cream cone")?.name == "ice cream cone")
        #expect(try lib.familyIndex(named: "teddy") == lib.index(of: "teddy bear"))
        #expect { try lib.familyIndex(named: "dragon") } throws: { error in
            "\(error)".contains("\"dragon\"") && "\(error)".contains("penguin")
        }
    }

    @Test func instancesAreDeterministicBySeedAndDifferAcrossSeeds() throws {
        for family in try library().families {
            var a = SeededGenerator(seed: 11), b = SeededGenerator(seed: 11), c = SeededGenerator(seed: 12)
            let first = family.instance(colour: nil, using: &a)
            #expect(first == family.instance(colour: nil, using: &b), "\(family.name): same seed, different instance")
            #expect(first != family.instance(colour: nil, using: &c), "\(family.name): seeds 11 and 12 gave the same instance")
        }
    }

    /// Grid points at spacing 2/40 over [−1, 1]³: none outside radius 0.86 is inside the object (the
    /// framing radius is 0.85), some point is inside (the SDF is negative somewhere), and the farthest
    /// inside point is beyond 0.6 (objects are framed large, DESIGN.md §9).
    @Test func instancesFitTheUnitSphereAndFillMostOfIt() throws {
        let n = 40
        for family in try library().families {
            var generator = SeededGenerator(seed: 5)
            let scenes = [family.meanInstance(colour: nil)] + (0..<3).map { _ in family.instance(colour: nil, using: &generator) }
            for scene in scenes {
                var inside = 0, farthest: Float = 0, outsideViolations = 0
                for i in 0...n { for j in 0...n { for k in 0...n {
                    let p = SIMD3(Float(i), Float(j), Float(k)) * (2 / Float(n)) - 1
                    guard scene.distanceAndColor(p).distance < 0 else { continue }
                    inside += 1
                    let r = (p * p).sum().squareRoot()
                    farthest = max(farthest, r)
                    if r > 0.86 { outsideViolations += 1 }
                } } }
                #expect(inside > 0, "\(family.name): empty instance")
                #expect(outsideViolations == 0, "\(family.name): \(outsideViolations) inside points beyond radius 0.86")
                #expect(farthest > 0.6, "\(family.name): farthest inside point at \(farthest), framed too small")
            }
        }
    }

    @Test func asymmetricFeaturesAreWhereTheFamiliesSay() throws {
        let lib = try library()
        var checked = Set<String>()
        for family in lib.families {
            var generator = SeededGenerator(seed: 21)
            let instances = [family.meanInstanceDetails(colour: nil)] + (0..<4).map { _ in family.instanceDetails(colour: nil, using: &generator) }
            for instance in instances {
                for feature in family.featurePoints(of: instance) {
                    let inside = instance.scene.distanceAndColor(feature.inside).distance
                    let mirrored = instance.scene.distanceAndColor(feature.mirrored).distance
                    #expect(inside < 0, "\(family.name) \(feature.name): SDF \(inside) at \(feature.inside), expected inside")
                    #expect(mirrored > 0, "\(family.name) \(feature.name): SDF \(mirrored) at the mirror point \(feature.mirrored), expected outside")
                    checked.insert(family.name)
                }
            }
        }
        // The features issue 9 names (handles, beaks, noses, arms, a car's front and back) are all claimed.
        for name in ["mug", "duck", "snowman", "teddy bear", "car", "cactus", "penguin", "chair", "house", "robot", "umbrella"] {
            #expect(checked.contains(name), "\(name) has no tested asymmetric feature")
        }
    }

    @Test func mugHandleIsOnPlusYOnly() throws {
        // The handle is the mug's one asymmetric part: at mean proportions the SDF along the y axis at
        // mid-height is negative beyond the body only on +y.
        let mug = try #require(try library().family(named: "mug"))
        let instance = mug.meanInstanceDetails(colour: nil)
        let axis = instance.toWorld(SIMD3(0, 0, instance.values["h"]! * 1.05))     // the body's axis at handle height
        let bodyEdge = instance.values["r"]! * instance.scale
        let offsets = stride(from: bodyEdge + 0.02, to: 0.85, by: 0.01).map { y in SIMD3<Float>(0, y, 0) }
        let plus = offsets.filter { instance.scene.distanceAndColor(axis + $0).distance < 0 }.count
        let minus = offsets.filter { instance.scene.distanceAndColor(axis - $0).distance < 0 }.count
        #expect(plus > 3 && minus == 0, "handle samples: +y \(plus), −y \(minus)")
    }

    @Test func colourRulesPaintThePromptColour() throws {
        let lib = try library()
        let red = try #require(NamedColour.named("red"))
        for family in lib.families {
            let scene = family.meanInstance(colour: red)
            #expect(scene.primitives.contains { $0.color == red.rgb }, "\(family.name): no part takes the prompt colour")
            let plain = family.meanInstance(colour: nil)
            #expect(plain.primitives.contains { $0.color == family.defaultNamedColour.rgb }, "\(family.name): default colour unused")
        }
        // Jitter moves colours a little and stays near the named one.
        var generator = SeededGenerator(seed: 3)
        let jittered = try #require(lib.family(named: "teddy bear")).instance(colour: red, using: &generator)
        let body = jittered.primitives[0].color
        #expect(body != red.rgb && nearestNamedColour(body) == red)
    }

    @Test func nearestNamedColourRecoversEveryColour() {
        for colour in NamedColour.all {
            #expect(nearestNamedColour(colour.rgb) == colour)
            #expect(nearestNamedColour(colour.rgb * 0.92 + 0.02) == colour, "\(colour.name) slightly darkened")
        }
        #expect(NamedColour.named("gray")?.name == "grey")
    }

    @Test func brokenFamilyFilesFailWithTheFamilyAndPartNamed() throws {
        let folder = try temporaryFolder("broken")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("families.json")
        let family = """
        {"families": [{"name": "blob", "synonyms": [], "defaultColour": "red", "colourRule": "all", "front": "none",
          "parameters": [{"name": "r", "min": 0.2, "max": 0.3}],
          "parts": [{"name": "core", "shape": "sphere", "radius": "r + rr", "colour": "prompt"}]}]}
        """
        try Data(family.utf8).write(to: url)
        #expect { try ShapeLibrary.load(from: url) } throws: { error in
            let text = "\(error)"
            return text.contains("blob") && text.contains("core") && text.contains("\"rr\"") && text.contains("hint:")
        }
        try Data(family.replacingOccurrences(of: "\"r + rr\"", with: "\"r + \"").utf8).write(to: url)
        #expect { try ShapeLibrary.load(from: url) } throws: { error in "\(error)".contains("cannot parse") }
        try Data(family.replacingOccurrences(of: "\"red\"", with: "\"mauve\"").replacingOccurrences(of: "rr", with: "r").utf8).write(to: url)
        #expect { try ShapeLibrary.load(from: url) } throws: { error in "\(error)".contains("mauve") }
    }

    @Test func expressionsFollowPrecedence() throws {
        let e = try ShapeExpression.parse("a + b*2 - (a - b)/4 + -1")
        #expect(e.evaluate(["a": 3, "b": 1]) == 3 + 2 - 0.5 - 1)
        #expect(e.parameterNames == ["a", "b"])
        #expect(throws: ExpressionSyntaxError.self) { try ShapeExpression.parse("a * (b + 1") }
    }
}
