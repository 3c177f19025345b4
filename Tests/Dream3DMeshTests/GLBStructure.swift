// GLBStructure.swift — an independent reader of the GLB container (glTF 2.0 specification §4.4) that
// checks what a viewer relies on: header, chunk lengths, types and padding, buffer views inside the
// buffer and 4-byte aligned, accessor counts × element sizes = byte lengths, POSITION min/max equal to
// the positions actually stored, indices within the vertex count.
import Foundation
import Testing

struct GLBContents {
    var json: [String: Any]
    var bin: [UInt8]
    /// Float VEC3 attribute `name` decoded from the binary chunk.
    var attributes: [String: [SIMD3<Float>]] = [:]
    var indices: [UInt32] = []
}

func uint32(_ b: [UInt8], _ at: Int) -> UInt32 {
    UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
}

/// Parses and checks `bytes`; every violated rule is recorded as a test issue naming it.
func checkGLB(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> GLBContents {
    func require(_ ok: Bool, _ rule: String) throws {
        if !ok { Issue.record("GLB: \(rule)", sourceLocation: sourceLocation); throw CancellationError() }
    }
    try require(bytes.count >= 28, "at least header and one chunk header")
    try require(uint32(bytes, 0) == 0x4654_6C67 && Array(bytes[0..<4]) == Array("glTF".utf8), "magic \"glTF\"")
    try require(uint32(bytes, 4) == 2, "version 2")
    try require(Int(uint32(bytes, 8)) == bytes.count, "header length \(uint32(bytes, 8)) = file size \(bytes.count)")

    let jsonLength = Int(uint32(bytes, 12))
    try require(uint32(bytes, 16) == 0x4E4F_534A, "first chunk is JSON")
    try require(jsonLength % 4 == 0 && 20 + jsonLength + 8 <= bytes.count, "JSON chunk length \(jsonLength) is a multiple of 4 and fits")
    let jsonBytes = Array(bytes[20..<(20 + jsonLength)])
    let trimmed = jsonBytes.reversed().drop { $0 == 0x20 }.count
    try require(jsonBytes[trimmed...].allSatisfy { $0 == 0x20 } && jsonBytes[trimmed - 1] == UInt8(ascii: "}"), "JSON padded with spaces")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any])

    let binStart = 20 + jsonLength + 8, binLength = Int(uint32(bytes, 20 + jsonLength))
    try require(uint32(bytes, 20 + jsonLength + 4) == 0x004E_4942, "second chunk is BIN")
    try require(binLength % 4 == 0 && binStart + binLength == bytes.count, "BIN chunk length \(binLength) is a multiple of 4 and ends the file")
    let bin = Array(bytes[binStart...])

    let asset = json["asset"] as? [String: Any]
    try require(asset?["version"] as? String == "2.0" && asset?["generator"] as? String == "dream3d", "asset version 2.0, generator dream3d")
    let buffers = try #require(json["buffers"] as? [[String: Any]])
    let bufferLength = try #require(buffers.first?["byteLength"] as? Int)
    try require(buffers.count == 1 && bufferLength <= binLength && binLength - bufferLength < 4, "one buffer filling the BIN chunk")
    try require((json["scene"] as? Int) == 0 && (json["scenes"] as? [[String: Any]])?.first?["nodes"] as? [Int] == [0], "scene 0 holds node 0")
    try require((json["nodes"] as? [[String: Any]])?.first?["mesh"] as? Int == 0, "node 0 holds mesh 0")
    let primitive = try #require(((json["meshes"] as? [[String: Any]])?.first?["primitives"] as? [[String: Any]])?.first)
    try require(primitive["mode"] as? Int == 4, "primitive mode 4 (triangles)")

    let views = try #require(json["bufferViews"] as? [[String: Any]])
    let accessors = try #require(json["accessors"] as? [[String: Any]])
    func accessorBytes(_ index: Int, type: String, componentType: Int, target: Int) throws -> (count: Int, bytes: ArraySlice<UInt8>, accessor: [String: Any]) {
        let accessor = accessors[index]
        let view = views[try #require(accessor["bufferView"] as? Int)]
        let offset = try #require(view["byteOffset"] as? Int), length = try #require(view["byteLength"] as? Int)
        let count = try #require(accessor["count"] as? Int)
        let size = (type == "VEC3" ? 3 : 1) * 4
        try require(accessor["type"] as? String == type && accessor["componentType"] as? Int == componentType, "accessor \(index) is \(type) of \(componentType)")
        try require(view["target"] as? Int == target, "buffer view of accessor \(index) has target \(target)")
        try require(offset % 4 == 0 && offset + length <= bufferLength, "buffer view at \(offset) is aligned and inside the buffer")
        try require(count > 0 && count * size == length, "accessor \(index): count \(count) × \(size) bytes = view length \(length)")
        return (count, bin[offset..<(offset + length)], accessor)
    }
    var contents = GLBContents(json: json, bin: bin)
    let attributes = try #require(primitive["attributes"] as? [String: Int])
    for (name, index) in attributes {
        let (count, raw, accessor) = try accessorBytes(index, type: "VEC3", componentType: 5126, target: 34962)
        let base = raw.startIndex
        contents.attributes[name] = (0..<count).map { v in
            SIMD3((0..<3).map { Float(bitPattern: uint32(bin, base + 12 * v + 4 * $0)) })
        }
        if name == "POSITION" {
            let p = contents.attributes[name]!
            let low = (0..<3).map { a in p.map { $0[a] }.min()! }, high = (0..<3).map { a in p.map { $0[a] }.max()! }
            let min = (accessor["min"] as? [Double])?.map(Float.init), max = (accessor["max"] as? [Double])?.map(Float.init)
            try require(min == low && max == high, "POSITION min/max \(String(describing: min))/\(String(describing: max)) = stored extremes \(low)/\(high)")
        }
    }
    try require(attributes["POSITION"] != nil, "a POSITION attribute")
    let vertexCount = contents.attributes["POSITION"]!.count
    try require(contents.attributes.values.allSatisfy { $0.count == vertexCount }, "every attribute has one value per vertex")
    let (count, raw, _) = try accessorBytes(try #require(primitive["indices"] as? Int), type: "SCALAR", componentType: 5125, target: 34963)
    contents.indices = (0..<count).map { uint32(bin, raw.startIndex + 4 * $0) }
    try require(count % 3 == 0 && contents.indices.allSatisfy { Int($0) < vertexCount }, "indices are triangles of existing vertices")
    return contents
}
