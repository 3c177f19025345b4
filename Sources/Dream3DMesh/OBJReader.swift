// OBJReader.swift — reads the OBJ files OBJWriter.swift writes (and simple ones like them): v with
// optional r g b, vn, f with i, i/t, i//n or i/t/n references (negative = from the end), polygons split
// into fans. Other keywords (vt, o, g, s, mtllib, usemtl) are skipped.
import Foundation

extension Mesh {
    /// The mesh stored in the OBJ file at `url`. A face's normal index sets its vertex's normal.
    public init(objAt url: URL) throws(MeshFileError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        var positions: [SIMD3<Float>] = [], colors: [SIMD3<Float>] = [], fileNormals: [SIMD3<Float>] = []
        var triangles: [SIMD3<UInt32>] = [], vertexNormal: [Int: Int] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            func fail(_ reason: String) -> MeshFileError { .malformed(path: url.path, location: "line \(number + 1)", reason: reason) }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let keyword = fields.first else { continue }
            let values = fields.dropFirst()
            switch keyword {
            case "v", "vn":
                let numbers = values.compactMap { Float($0) }
                guard numbers.count == values.count, numbers.count >= 3 else { throw fail("\(keyword) needs 3 numbers: \(line)") }
                let p = SIMD3(numbers[0], numbers[1], numbers[2])
                if keyword == "vn" { fileNormals.append(p); continue }
                positions.append(p)
                if numbers.count == 6 {
                    guard colors.count == positions.count - 1 else { throw fail("vertex \(positions.count) has a colour, earlier ones do not") }
                    colors.append(SIMD3(numbers[3], numbers[4], numbers[5]))
                } else if !colors.isEmpty {
                    throw fail("vertex \(positions.count) has no colour, earlier ones do")
                }
            case "f":
                var corners: [UInt32] = []
                for reference in values {
                    let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
                    guard let v = parts.first.flatMap({ Int($0) }),
                          let vertex = Mesh.objIndex(v, count: positions.count) else { throw fail("bad vertex reference \(reference)") }
                    if parts.count == 3, !parts[2].isEmpty {
                        guard let n = Int(parts[2]), let normal = Mesh.objIndex(n, count: fileNormals.count) else {
                            throw fail("bad normal reference \(reference)")
                        }
                        vertexNormal[vertex] = normal
                    }
                    corners.append(UInt32(vertex))
                }
                guard corners.count >= 3 else { throw fail("a face needs 3 vertices: \(line)") }
                for k in 1..<(corners.count - 1) { triangles.append(SIMD3(corners[0], corners[k], corners[k + 1])) }
            default:
                continue
            }
        }
        var normals: [SIMD3<Float>] = []
        if !vertexNormal.isEmpty {
            guard vertexNormal.count == positions.count else {
                throw .malformed(path: url.path, location: "faces", reason: "\(vertexNormal.count) of \(positions.count) vertices have a normal")
            }
            normals = (0..<positions.count).map { fileNormals[vertexNormal[$0]!] }
        }
        self.init(positions: positions, triangles: triangles, normals: normals, colors: colors)
    }

    /// A 1-based (or negative, counted from the end) OBJ index as a 0-based index, if it is in range.
    static func objIndex(_ index: Int, count: Int) -> Int? {
        let i = index > 0 ? index - 1 : count + index
        return index != 0 && i >= 0 && i < count ? i : nil
    }
}
