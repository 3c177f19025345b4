// ShapeExpression.swift — the arithmetic a family file writes sizes and positions in: numbers,
// parameter names, + − * /, unary minus and parentheses ("bodyR * 0.9 + legH"). Parsed once when
// the library loads (recursive descent, usual precedence), so a typo fails at load with the family's
// name, not later as NaN in a render.

/// A parsed arithmetic expression over named parameters.
public indirect enum ShapeExpression: Sendable, Equatable {
    case constant(Float)
    case parameter(String)
    case negate(ShapeExpression)
    case binary(Character, ShapeExpression, ShapeExpression)

    /// The value with `values` for the parameters. Precondition: every name was validated at load.
    public func evaluate(_ values: [String: Float]) -> Float {
        switch self {
        case let .constant(c): return c
        case let .parameter(name):
            guard let v = values[name] else { preconditionFailure("parameter \(name) not validated at load") }
            return v
        case let .negate(e): return -e.evaluate(values)
        case let .binary(op, a, b):
            let x = a.evaluate(values), y = b.evaluate(values)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default: return x / y
            }
        }
    }

    /// Every parameter name the expression reads.
    public var parameterNames: Set<String> {
        switch self {
        case .constant: []
        case let .parameter(name): [name]
        case let .negate(e): e.parameterNames
        case let .binary(_, a, b): a.parameterNames.union(b.parameterNames)
        }
    }

    /// Parses `text`; the error string says where parsing stopped.
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> ShapeExpression {
        var parser = Parser(characters: Array(text), text: text)
        let e = try parser.sum()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else { throw parser.error("unexpected \"\(parser.characters[parser.position])\"") }
        return e
    }

    /// Recursive descent: sum := product (± product)*, product := unary (*/ unary)*,
    /// unary := −unary | number | name | ( sum ).
    private struct Parser {
        let characters: [Character]
        let text: String
        var position = 0

        mutating func skipSpaces() { while position < characters.count, characters[position] == " " { position += 1 } }
        func error(_ what: String) -> ExpressionSyntaxError { ExpressionSyntaxError(expression: text, reason: "\(what) at character \(position + 1)") }

        mutating func sum() throws(ExpressionSyntaxError) -> ShapeExpression {
            var e = try product()
            while true {
                skipSpaces()
                guard position < characters.count, "+-".contains(characters[position]) else { return e }
                let op = characters[position]; position += 1
                e = .binary(op, e, try product())
            }
        }

        mutating func product() throws(ExpressionSyntaxError) -> ShapeExpression {
            var e = try unary()
            while true {
                skipSpaces()
                guard position < characters.count, "*/".contains(characters[position]) else { return e }
                let op = characters[position]; position += 1
                e = .binary(op, e, try unary())
            }
        }

        mutating func unary() throws(ExpressionSyntaxError) -> ShapeExpression {
            skipSpaces()
            guard position < characters.count else { throw error("expression ends early") }
            let c = characters[position]
            if c == "-" { position += 1; return .negate(try unary()) }
            if c == "(" {
                position += 1
                let e = try sum()
                skipSpaces()
                guard position < characters.count, characters[position] == ")" else { throw error("missing \")\"") }
                position += 1
                return e
            }
            let start = position
            if c.isNumber || c == "." {
                while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
                guard let v = Float(String(characters[start..<position])) else { throw error("bad number") }
                return .constant(v)
            }
            if c.isLetter || c == "_" {
                while position < characters.count, characters[position].isLetter || characters[position].isNumber || characters[position] == "_" { position += 1 }
                return .parameter(String(characters[start..<position]))
            }
            throw error("unexpected \"\(c)\"")
        }
    }
}

/// An expression in a family file that does not parse.
public struct ExpressionSyntaxError: Error, CustomStringConvertible {
    public let expression: String
    public let reason: String
    public var description: String { "cannot parse \"\(expression)\": \(reason)" }
}

/// A number in a family file: a JSON number or an expression string.
public struct ShapeScalar: Decodable, Sendable, Equatable {
    public let expression: ShapeExpression

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Float.self) {
            expression = .constant(value)
        } else {
            let text = try container.decode(String.self)
            do {
                expression = try ShapeExpression.parse(text)
            } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        }
    }

    func evaluate(_ values: [String: Float]) -> Float { expression.evaluate(values) }
}

/// Three scalars: a position, a direction or per-axis sizes.
public struct ShapeVector: Decodable, Sendable, Equatable {
    public let components: [ShapeScalar]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        components = try container.decode([ShapeScalar].self)
        guard components.count == 3 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 3 components, got \(components.count)")
        }
    }

    func evaluate(_ values: [String: Float]) -> SIMD3<Float> {
        SIMD3(components[0].evaluate(values), components[1].evaluate(values), components[2].evaluate(values))
    }

    var parameterNames: Set<String> { components.reduce(into: []) { $0.formUnion($1.expression.parameterNames) } }
}
