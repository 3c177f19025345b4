// ShapeLibrary.swift — the procedural object library: every family of Assets/shapes/families.json,
// validated when loaded (expressions read only known parameters, parts name known shapes and carry
// their fields, default colours are colour words, no two families share a name), so that a broken
// family file fails at start-up with the family and part named, never later inside a render.
import Dream3DCore
import Foundation

/// The family file could not be loaded or is inconsistent.
public enum ShapeLibraryError: Error, CustomStringConvertible {
    case assets(AssetError)
    case unreadable(path: String, reason: String)
    case invalid(path: String, reason: String)
    case unknownFamily(name: String, known: [String])

    public var description: String {
        switch self {
        case let .assets(error): error.description
        case let .unreadable(path, reason):
            """
            could not read the shape families at \(path): \(reason)
            hint: the file ships in Assets/shapes/; restore it from the repository or set DREAM3D_ASSETS
            """
        case let .invalid(path, reason):
            """
            \(path): \(reason)
            hint: fix the family file (its format is described at the top of the file); `git diff Assets/shapes` shows local edits
            """
        case let .unknownFamily(name, known):
            """
            no object family is called "\(name)"; the library has: \(known.joined(separator: ", "))
            hint: use one of those names (`dream3d prior info` lists them with their parts)
            """
        }
    }
}

/// All families, in file order (a family's index is its id in the dataset).
public struct ShapeLibrary: Sendable {
    /// Farthest point of a framed instance from the origin: objects fill most of the unit sphere
    /// the renderer's cameras orbit (DESIGN.md §9 suggests larger framing), with room to spare.
    public static let defaultFramingRadius: Float = 0.85
    /// Per-channel jitter of the prompt colour (fixed colours get half).
    public static let defaultColourJitter: Float = 0.06

    public let families: [ShapeFamily]
    /// Where the families were read from.
    public let url: URL

    /// Loads `Assets/shapes/families.json` (found by `AssetLocator`) or the file at `url`.
    public static func load(from url: URL? = nil) throws(ShapeLibraryError) -> ShapeLibrary {
        let file: URL
        if let url { file = url } else {
            do { file = try AssetLocator.assetsFolder().appendingPathComponent("shapes/families.json") } catch { throw .assets(error) }
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw .unreadable(path: file.path, reason: (error as NSError).localizedDescription) }
        struct FileFormat: Decodable { let families: [ShapeFamily] }
        let families: [ShapeFamily]
        do {
            families = try JSONDecoder().decode(FileFormat.self, from: data).families
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid(path: file.path, reason: "\(codingPath(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalid(path: file.path, reason: "\(codingPath(context.codingPath)): missing \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalid(path: file.path, reason: "\(codingPath(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw .invalid(path: file.path, reason: "\(error)")
        }
        let library = ShapeLibrary(families: families, url: file)
        if let problem = library.validationProblem() { throw .invalid(path: file.path, reason: problem) }
        return library
    }

    /// The first inconsistency in the families, in words; nil when there is none.
    func validationProblem() -> String? {
        var seenNames = [String: String]()
        for family in families {
            let where_ = "family \"\(family.name)\""
            guard NamedColour.named(family.defaultColour) != nil else { return "\(where_): defaultColour \"\(family.defaultColour)\" is not a colour word" }
            for n in family.allNames {
                let key = PromptGrammar.words(n).joined(separator: " ")
                if let other = seenNames[key], other != family.name { return "\(where_): name \"\(n)\" is also a name of \"\(other)\"" }
                if NamedColour.named(key) != nil { return "\(where_): name \"\(n)\" is a colour word" }
                seenNames[key] = family.name
            }
            var known = Set(family.parameters.map(\.name))
            for p in family.parameters where !(p.min <= p.max) { return "\(where_): parameter \(p.name) has min \(p.min) > max \(p.max)" }
            for d in family.derived ?? [] {
                if let missing = d.value.expression.parameterNames.subtracting(known).sorted().first {
                    return "\(where_): derived \(d.name) reads unknown \"\(missing)\" (known: \(known.sorted().joined(separator: ", ")))"
                }
                known.insert(d.name)
            }
            guard family.parts.contains(where: { $0.colour.followsPrompt }) else { return "\(where_): no part takes the prompt's colour" }
            for part in family.parts {
                guard ShapePart.shapeNames.contains(part.shape) else {
                    return "\(where_), part \(part.name): unknown shape \"\(part.shape)\" (known: \(ShapePart.shapeNames.joined(separator: ", ")))"
                }
                if let missing = part.requiredFields.first(where: { !$0.1 }) { return "\(where_), part \(part.name): a \(part.shape) needs \"\(missing.0)\"" }
                if let missing = part.parameterNames.subtracting(known).sorted().first {
                    return "\(where_), part \(part.name): unknown parameter \"\(missing)\" (known: \(known.sorted().joined(separator: ", ")))"
                }
            }
            for f in family.features ?? [] {
                guard f.mirror == "x" || f.mirror == "y" else { return "\(where_), feature \(f.name): mirror must be \"x\" or \"y\"" }
                if let missing = f.point.parameterNames.subtracting(known).sorted().first { return "\(where_), feature \(f.name): unknown parameter \"\(missing)\"" }
            }
        }
        return nil
    }

    /// The family called `name` (canonical or synonym, any case or spacing), nil if none.
    public func family(named name: String) -> ShapeFamily? {
        let key = PromptGrammar.words(name).joined(separator: " ")
        return families.first { $0.allNames.contains { PromptGrammar.words($0).joined(separator: " ") == key } }
    }

    /// Index of the family called `name` (canonical), the dataset's family id.
    public func index(of name: String) -> Int? { families.firstIndex { $0.name == name } }

    /// The dataset's family id of the family `name` names (canonical or another of its names, as
    /// `family(named:)` reads them), or an error listing the families.
    public func familyIndex(named name: String) throws(ShapeLibraryError) -> Int {
        guard let family = family(named: name), let index = index(of: family.name) else {
            throw .unknownFamily(name: name, known: families.map(\.name))
        }
        return index
    }
}

private func codingPath(_ path: [any CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
}
