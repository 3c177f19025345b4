// ShapeFamily.swift — one object family of the procedural library (issue 6, item 1), decoded from
// Assets/shapes/families.json: randomised proportions (parameters with ranges, then derived values),
// parts built from them, colour rules, and the features that make it asymmetric. An instance is
// framed the same way for every family: centred on its bounding box and scaled so that its
// farthest point is at most `framingRadius` from the origin (DESIGN.md §9: larger framing helps).
import Dream3DCore
import Dream3DScene

/// A randomised proportion: drawn uniformly in [min, max]; the mean instance takes the midpoint.
public struct ShapeParameter: Decodable, Sendable {
    public let name: String
    public let min: Float
    public let max: Float
    public var mean: Float { (min + max) / 2 }
}

/// A value computed from parameters (and earlier derived values), in file order.
public struct DerivedValue: Decodable, Sendable {
    public let name: String
    public let value: ShapeScalar
}

/// A point that lies inside a feature that makes the family asymmetric (a mug's handle, a duck's
/// beak), and the plane across which its mirror image must lie outside the object.
public struct ShapeFeature: Decodable, Sendable {
    public let name: String
    /// In the design frame, as expressions.
    public let point: ShapeVector
    /// "x" (front/back: the mirror point has −x) or "y" (left/right: −y).
    public let mirror: String
}

/// An object family: name, prompt words, default colour, proportions and parts.
public struct ShapeFamily: Decodable, Sendable {
    /// The canonical name used in captions ("teddy bear").
    public let name: String
    /// Other names prompts may use ("teddy", "bear"); the canonical name is always accepted.
    public let synonyms: [String]
    /// The colour word for "a teddy bear" with no colour.
    public let defaultColour: String
    /// Which parts take the prompt's colour, in words (prior info and the report list it).
    public let colourRule: String
    /// What faces +x (azimuth 0), or why the family has no front.
    public let front: String
    public let parameters: [ShapeParameter]
    public let derived: [DerivedValue]?
    public let parts: [ShapePart]
    public let features: [ShapeFeature]?

    /// The default colour as a `NamedColour` (validated at load).
    public var defaultNamedColour: NamedColour { NamedColour.named(defaultColour)! }

    /// Every name a prompt may use for the family: canonical first.
    public var allNames: [String] { [name] + synonyms }

    /// A random instance: proportions drawn from the parameter ranges, the prompt's colour (nil: the
    /// family default) and fixed colours jittered. Deterministic in the generator's state.
    public func instance(colour: NamedColour?, framingRadius: Float = ShapeLibrary.defaultFramingRadius,
                         colourJitter: Float = ShapeLibrary.defaultColourJitter,
                         using generator: inout SeededGenerator) -> AnalyticScene {
        instanceDetails(colour: colour, framingRadius: framingRadius, colourJitter: colourJitter, using: &generator).scene
    }

    /// The instance at mean proportions and exact colours: issue 9's quality gate compares meshes
    /// against it.
    public func meanInstance(colour: NamedColour?, framingRadius: Float = ShapeLibrary.defaultFramingRadius) -> AnalyticScene {
        meanInstanceDetails(colour: colour, framingRadius: framingRadius).scene
    }

    /// `instance` with its parameter values and framing, for tests and the gate.
    public func instanceDetails(colour: NamedColour?, framingRadius: Float = ShapeLibrary.defaultFramingRadius,
                                colourJitter: Float = ShapeLibrary.defaultColourJitter,
                                using generator: inout SeededGenerator) -> ShapeInstance {
        var values: [String: Float] = [:]
        for p in parameters { values[p.name] = generator.uniform(in: p.min...p.max) }
        let promptRGB = jitter((colour ?? defaultNamedColour).rgb, by: colourJitter, using: &generator)
        // Fixed colours vary less than the prompt's: a snowman's nose stays orange.
        let fixedShift = SIMD3(generator.uniform(in: -1...1), generator.uniform(in: -1...1), generator.uniform(in: -1...1)) * (colourJitter / 2)
        return build(values, promptRGB: promptRGB, fixedShift: fixedShift, colour: colour, framingRadius: framingRadius)
    }

    /// `meanInstance` with its parameter values and framing.
    public func meanInstanceDetails(colour: NamedColour?, framingRadius: Float = ShapeLibrary.defaultFramingRadius) -> ShapeInstance {
        var values: [String: Float] = [:]
        for p in parameters { values[p.name] = p.mean }
        return build(values, promptRGB: (colour ?? defaultNamedColour).rgb, fixedShift: .zero, colour: colour, framingRadius: framingRadius)
    }

    private func build(_ drawn: [String: Float], promptRGB: SIMD3<Float>, fixedShift: SIMD3<Float>, colour: NamedColour?,
                       framingRadius: Float) -> ShapeInstance {
        var values = drawn
        for d in derived ?? [] { values[d.name] = d.value.evaluate(values) }
        var primitives: [ColoredPrimitive] = [], promptPainted: [Bool] = []
        for part in parts {
            let rgb: SIMD3<Float>
            switch part.colour {
            case .prompt: rgb = promptRGB
            case .promptDark: rgb = promptRGB * 0.6
            case .promptLight: rgb = (promptRGB + 1) / 2
            case let .fixed(c): rgb = pointwiseMin(pointwiseMax(c + fixedShift, .zero), .one)
            }
            let made = part.primitives(values, colour: rgb)
            primitives += made
            promptPainted += Array(repeating: part.colour == .prompt, count: made.count)
        }
        // Frame: centre of the bounding box to the origin, farthest point to `framingRadius`.
        var lower = SIMD3<Float>(repeating: .infinity), upper = SIMD3<Float>(repeating: -.infinity)
        for p in primitives {
            let b = p.worldBounds
            lower = pointwiseMin(lower, b.lower)
            upper = pointwiseMax(upper, b.upper)
        }
        let centre = (lower + upper) / 2
        let reach = primitives.map { $0.farthestDistance(from: centre) }.max() ?? 1
        let scale = framingRadius / reach
        return ShapeInstance(familyName: name, values: values, colour: colour ?? defaultNamedColour,
                             scene: AnalyticScene(primitives).reframed(centre: centre, scale: scale), promptPainted: promptPainted,
                             designCentre: centre, scale: scale)
    }

    /// Feature points of an instance and their mirror images, in the framed (world) frame.
    public func featurePoints(of instance: ShapeInstance) -> [(name: String, inside: SIMD3<Float>, mirrored: SIMD3<Float>)] {
        (features ?? []).map { f in
            let p = f.point.evaluate(instance.values)
            let m = f.mirror == "x" ? p * SIMD3(-1, 1, 1) : p * SIMD3(1, -1, 1)
            return (f.name, instance.toWorld(p), instance.toWorld(m))
        }
    }
}

/// A drawn instance: its scene and how it was made.
public struct ShapeInstance: Sendable {
    public let familyName: String
    /// Parameter and derived values, by name.
    public let values: [String: Float]
    /// The prompt colour it was made with (the family default when none was asked for).
    public let colour: NamedColour
    public let scene: AnalyticScene
    /// Per primitive of `scene`: whether it takes the prompt's colour unchanged (not a shade of it, not a
    /// fixed colour). The quality gate judges a mesh's colour where these parts are.
    public let promptPainted: [Bool]
    /// The framing: world = (design − designCentre) · scale.
    public let designCentre: SIMD3<Float>
    public let scale: Float

    /// A design-frame point in the framed world frame.
    public func toWorld(_ p: SIMD3<Float>) -> SIMD3<Float> { (p - designCentre) * scale }

    /// Radius of a sphere around the origin that holds the whole instance.
    public var boundingRadius: Float {
        scene.primitives.map { $0.farthestDistance(from: .zero) }.max() ?? 0
    }
}
