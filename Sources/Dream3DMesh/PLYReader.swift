// PLYReader.swift — reads binary little-endian PLY files like the ones PLYWriter.swift writes: a vertex
// element with float x y z, optional nx ny nz and red green blue (uchar, scaled to [0, 1], or float),
// any other scalar properties skipped; a face element whose list holds triangles (polygons become fans).
import Foundation

extension Mesh {
    /// The mesh stored in the binary little-endian PLY file at `url`.
    public init(plyAt url: URL) throws(MeshFileError) {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        func fail(_ location: String, _ reason: String) -> MeshFileError { .malformed(path: url.path, location: location, reason: reason) }

        // Header: ASCII lines up to "end_header\n".
        let marker = Array("end_header\n".utf8)
        guard bytes.starts(with: Array("ply\n".utf8)),
              let end = (0...max(0, bytes.count - marker.count)).first(where: { bytes[$0..<min(bytes.count, $0 + marker.count)].elementsEqual(marker) })
        else { throw fail("header", "not a PLY file (no \"ply\" line or no \"end_header\")") }
        let header = String(decoding: bytes[0..<end], as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ") }

        struct Property { let name: String; let type: String; let listTypes: (count: String, item: String)? }
        var elements: [(name: String, count: Int, properties: [Property])] = []
        for words in header {
            switch words.first {
            case "format":
                guard words.count >= 2, words[1] == "binary_little_endian" else { throw fail("header", "format \(words.dropFirst().joined(separator: " ")) (only binary_little_endian is read)") }
            case "element":
                guard words.count == 3, let count = Int(words[2]) else { throw fail("header", "bad element line") }
                elements.append((String(words[1]), count, []))
            case "property":
                guard !elements.isEmpty else { throw fail("header", "property before any element") }
                if words.count == 5, words[1] == "list" {
                    elements[elements.count - 1].properties.append(Property(name: String(words[4]), type: "list", listTypes: (String(words[2]), String(words[3]))))
                } else if words.count == 3 {
                    elements[elements.count - 1].properties.append(Property(name: String(words[2]), type: String(words[1]), listTypes: nil))
                } else { throw fail("header", "bad property line") }
            default: continue                                       // ply, comment, obj_info
            }
        }

        var reader = LittleEndianReader(bytes, offset: end + marker.count)
        func scalar(_ type: String, _ location: String) throws(MeshFileError) -> Double {
            let value: Double?
            switch type {
            case "float", "float32": value = reader.float().map(Double.init)
            case "uchar", "uint8": value = reader.uint8().map(Double.init)
            case "char", "int8": value = reader.uint8().map { Double(Int8(bitPattern: $0)) }
            case "int", "int32": value = reader.uint32().map { Double(Int32(bitPattern: $0)) }
            case "uint", "uint32": value = reader.uint32().map(Double.init)
            case "double", "float64": value = reader.uint32().flatMap { low in reader.uint32().map { Double(bitPattern: UInt64($0) << 32 | UInt64(low)) } }
            case "short", "int16": value = reader.uint8().flatMap { lo in reader.uint8().map { Double(Int16(bitPattern: UInt16($0) << 8 | UInt16(lo))) } }
            case "ushort", "uint16": value = reader.uint8().flatMap { lo in reader.uint8().map { Double(UInt16($0) << 8 | UInt16(lo)) } }
            default: throw fail("header", "property type \(type)")
            }
            guard let value else { throw fail(location, "the file ends early") }
            return value
        }

        var positions: [SIMD3<Float>] = [], normals: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = []
        var triangles: [SIMD3<UInt32>] = []
        for element in elements {
            let names = element.properties.map(\.name)
            switch element.name {
            case "vertex":
                guard ["x", "y", "z"].allSatisfy(names.contains) else { throw fail("header", "vertex has no x y z") }
                let hasNormals = ["nx", "ny", "nz"].allSatisfy(names.contains)
                let colorTypes = ["red", "green", "blue"].compactMap { n in element.properties.first { $0.name == n }?.type }
                for v in 0..<element.count {
                    var values: [String: Double] = [:]
                    for p in element.properties {
                        guard p.listTypes == nil else { throw fail("header", "list property \(p.name) on vertices") }
                        values[p.name] = try scalar(p.type, "vertex \(v)")
                    }
                    let f = { (n: String) in Float(values[n]!) }
                    positions.append(SIMD3(f("x"), f("y"), f("z")))
                    if hasNormals { normals.append(SIMD3(f("nx"), f("ny"), f("nz"))) }
                    if colorTypes.count == 3 {
                        let scale: Float = colorTypes.allSatisfy { $0 == "uchar" || $0 == "uint8" } ? 1 / 255 : 1
                        colors.append(SIMD3(f("red"), f("green"), f("blue")) * scale)
                    }
                }
            case "face":
                guard element.properties.count == 1, let list = element.properties[0].listTypes else {
                    throw fail("header", "face must hold one list property (vertex_indices)")
                }
                for face in 0..<element.count {
                    let count = Int(try scalar(list.count, "face \(face)"))
                    var corners: [UInt32] = []
                    for _ in 0..<count {
                        let index = try scalar(list.item, "face \(face)")
                        guard index >= 0, index < Double(positions.count) else { throw fail("face \(face)", "vertex index \(index) out of range") }
                        corners.append(UInt32(index))
                    }
                    guard corners.count >= 3 else { throw fail("face \(face)", "\(corners.count) vertices") }
                    for k in 1..<(corners.count - 1) { triangles.append(SIMD3(corners[0], corners[k], corners[k + 1])) }
                }
            default:
                throw fail("header", "element \(element.name) (only vertex and face are read)")
            }
        }
        self.init(positions: positions, triangles: triangles, normals: normals, colors: colors)
    }
}
