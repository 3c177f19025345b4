// ShapePart.swift — one primitive of a family as the family file writes it: a shape whose sizes and
// position are expressions over the family's parameters, an optional axis for its local z, a colour
// rule, and optionally a mirror copy across the xz plane (ears, legs, arms written once).
import Dream3DScene

/// Where a part's colour comes from.
public enum PartColour: Decodable, Sendable, Equatable {
    /// The prompt's colour (the family default when the prompt names none).
    case prompt
    /// The prompt's colour scaled by 0.6: a darker shade of the same thing (a snout, a pot rim).
    case promptDark
    /// The prompt's colour halfway to white.
    case promptLight
    /// A fixed albedo (a named colour or an RGB triple in the file).
    case fixed(SIMD3<Float>)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let rgb = try? container.decode([Float].self) {
            guard rgb.count == 3, rgb.allSatisfy({ (0...1).contains($0) }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "an RGB colour is 3 numbers in [0, 1], got \(rgb)")
            }
            self = .fixed(SIMD3(rgb[0], rgb[1], rgb[2]))
            return
        }
        let word = try container.decode(String.self)
        switch word {
        case "prompt": self = .prompt
        case "prompt-dark": self = .promptDark
        case "prompt-light": self = .promptLight
        default:
            guard let named = NamedColour.named(word) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription:
                    "unknown colour \"\(word)\" (use prompt, prompt-dark, prompt-light, [r, g, b] or one of \(NamedColour.all.map(\.name).joined(separator: ", ")))")
            }
            self = .fixed(named.rgb)
        }
    }

    var followsPrompt: Bool { if case .fixed = self { false } else { true } }
}

/// One primitive of a family, sizes and position as expressions.
public struct ShapePart: Decodable, Sendable {
    public let name: String
    /// sphere, ellipsoid, roundedBox, cylinder, cone, torus or capsule (SignedDistance.swift's cases).
    public let shape: String
    let radius: ShapeScalar?, radii: ShapeVector?, halfSize: ShapeVector?, rounding: ShapeScalar?
    let halfHeight: ShapeScalar?, bottom: ShapeScalar?, top: ShapeScalar?, major: ShapeScalar?, minor: ShapeScalar?
    let a: ShapeVector?, b: ShapeVector?
    /// Centre in the family's design frame (z up, front +x); the origin when absent.
    let at: ShapeVector?
    /// Direction the local z axis is turned to (cylinders, cones, tori lying down; tilted boxes).
    let axis: ShapeVector?
    public let colour: PartColour
    /// Also place the mirror image across the xz plane (y → −y).
    public let mirror: Bool?

    static let shapeNames = ["sphere", "ellipsoid", "roundedBox", "cylinder", "cone", "torus", "capsule"]

    /// The fields each shape needs, for validation.
    var requiredFields: [(String, Bool)] {
        switch shape {
        case "sphere": [("radius", radius != nil)]
        case "ellipsoid": [("radii", radii != nil)]
        case "roundedBox": [("halfSize", halfSize != nil)]
        case "cylinder": [("radius", radius != nil), ("halfHeight", halfHeight != nil)]
        case "cone": [("bottom", bottom != nil), ("top", top != nil), ("halfHeight", halfHeight != nil)]
        case "torus": [("major", major != nil), ("minor", minor != nil)]
        case "capsule": [("a", a != nil), ("b", b != nil), ("radius", radius != nil)]
        default: []
        }
    }

    /// Every parameter name any of the part's expressions reads.
    var parameterNames: Set<String> {
        var names = Set<String>()
        for s in [radius, rounding, halfHeight, bottom, top, major, minor] { if let s { names.formUnion(s.expression.parameterNames) } }
        for v in [radii, halfSize, a, b, at, axis] { if let v { names.formUnion(v.parameterNames) } }
        return names
    }

    /// The part's primitives (one, or two when mirrored) for parameter `values`, coloured by `colour`.
    /// Precondition: validated at load (shape name known, required fields present).
    func primitives(_ values: [String: Float], colour: SIMD3<Float>) -> [ColoredPrimitive] {
        func s(_ x: ShapeScalar?) -> Float { x!.evaluate(values) }
        func v(_ x: ShapeVector?) -> SIMD3<Float> { x!.evaluate(values) }
        let flip = SIMD3<Float>(1, -1, 1)
        let centre = at?.evaluate(values) ?? .zero
        let direction = axis?.evaluate(values) ?? SIMD3(0, 0, 1)
        func make(mirrored: Bool) -> ColoredPrimitive {
            let shape: SignedDistanceShape
            switch self.shape {
            case "sphere": shape = .sphere(radius: s(radius))
            case "ellipsoid": shape = .ellipsoid(radii: v(radii))
            case "roundedBox": shape = .roundedBox(halfSize: v(halfSize), rounding: rounding?.evaluate(values) ?? 0)
            case "cylinder": shape = .cylinder(radius: s(radius), halfHeight: s(halfHeight))
            case "cone": shape = .cone(bottom: s(bottom), top: s(top), halfHeight: s(halfHeight))
            case "torus": shape = .torus(major: s(major), minor: s(minor))
            case "capsule":
                // Capsule ends are world offsets from `at`; mirroring flips them, no rotation needed.
                let m = mirrored ? flip : SIMD3<Float>.one
                shape = .capsule(a: v(a) * m, b: v(b) * m, radius: s(radius))
            default: preconditionFailure("shape \(self.shape) not validated at load")
            }
            let m = mirrored ? flip : SIMD3<Float>.one
            return ColoredPrimitive(shape, at: centre * m, rotation: rotationRows(zTo: direction * m), color: colour)
        }
        return mirror == true ? [make(mirrored: false), make(mirrored: true)] : [make(mirrored: false)]
    }
}
