// GLBWriter.swift — the mesh as binary glTF 2.0 (Khronos glTF 2.0 specification, §4.4 "GLB File Format
// Specification" and §3.6–3.7 buffers, accessors, meshes).
//
// Layout: 12-byte header (magic "glTF" 0x46546C67, version 2, total length), a JSON chunk padded with
// spaces to a multiple of 4, a BIN chunk padded with zeros. The BIN chunk holds, tightly packed and each
// 4-byte aligned: POSITION, NORMAL and COLOR_0 as float VEC3 per vertex (when present), then the
// triangle indices as UNSIGNED_INT. POSITION carries min/max, which the specification requires.
// One scene → one node → one mesh → one triangle primitive (mode 4) with a white, non-metallic
// material: the default glTF material is fully metallic and renders the vertex colours near black.
import Dream3DCore
import Foundation

extension Mesh {
    /// Writes the GLB file at `url` atomically.
    public func writeGLB(to url: URL) throws(FileWriteError) {
        try writeAtomically(Data(glbBytes()), to: url)
    }

    /// The GLB file's bytes.
    public func glbBytes() -> [UInt8] {
        precondition(!positions.isEmpty && !triangles.isEmpty, "glTF accessors need at least one element")
        var bin = LittleEndianWriter(capacity: positions.count * 36 + triangles.count * 12)
        var document = GLTFDocument()
        var attributes: [String: Int] = [:]

        /// Appends one tightly packed attribute or index array as a buffer view and its accessor.
        func addAccessor(count: Int, type: String, componentType: Int, target: Int,
                         min: [Float]? = nil, max: [Float]? = nil, write: (inout LittleEndianWriter) -> Void) -> Int {
            let offset = bin.bytes.count
            precondition(offset % 4 == 0, "buffer view at byte \(offset) is not 4-byte aligned")
            write(&bin)
            document.bufferViews.append(.init(buffer: 0, byteOffset: offset, byteLength: bin.bytes.count - offset, target: target))
            document.accessors.append(.init(bufferView: document.bufferViews.count - 1, componentType: componentType,
                                            count: count, type: type, min: min, max: max))
            return document.accessors.count - 1
        }
        let float = 5126, unsignedInt = 5125, arrayBuffer = 34962, elementArrayBuffer = 34963
        let box = boundingBox!
        attributes["POSITION"] = addAccessor(count: positions.count, type: "VEC3", componentType: float, target: arrayBuffer,
                                             min: [box.min.x, box.min.y, box.min.z], max: [box.max.x, box.max.y, box.max.z]) { out in
            for p in positions { out.append(p) }
        }
        if !normals.isEmpty {
            attributes["NORMAL"] = addAccessor(count: normals.count, type: "VEC3", componentType: float, target: arrayBuffer) { out in
                for n in normals { out.append(n) }
            }
        }
        if !colors.isEmpty {
            attributes["COLOR_0"] = addAccessor(count: colors.count, type: "VEC3", componentType: float, target: arrayBuffer) { out in
                for c in colors { out.append(c) }
            }
        }
        let indices = addAccessor(count: 3 * triangles.count, type: "SCALAR", componentType: unsignedInt, target: elementArrayBuffer) { out in
            for t in triangles { out.append(t.x); out.append(t.y); out.append(t.z) }
        }
        document.meshes = [.init(primitives: [.init(attributes: attributes, indices: indices, mode: 4, material: 0)])]
        document.buffers = [.init(byteLength: bin.bytes.count)]

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]          // the same bytes every run
        var json = try! encoder.encode(document)          // plain structs of numbers and strings cannot fail
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (4 - json.count % 4) % 4))
        let binary = bin.bytes + [UInt8](repeating: 0, count: (4 - bin.bytes.count % 4) % 4)

        var out = LittleEndianWriter(capacity: 28 + json.count + binary.count)
        out.append(UInt32(0x4654_6C67))                   // "glTF"
        out.append(UInt32(2))
        out.append(UInt32(12 + 8 + json.count + 8 + binary.count))
        out.append(UInt32(json.count)); out.append(UInt32(0x4E4F_534A))   // "JSON"
        out.bytes += json
        out.append(UInt32(binary.count)); out.append(UInt32(0x004E_4942)) // "BIN\0"
        out.bytes += binary
        return out.bytes
    }
}

/// The glTF JSON of one mesh; property names are the specification's.
struct GLTFDocument: Encodable {
    struct Asset: Encodable { var version = "2.0", generator = "dream3d" }
    struct Scene: Encodable { var nodes = [0] }
    struct Node: Encodable { var mesh = 0 }
    struct Primitive: Encodable { var attributes: [String: Int], indices: Int, mode: Int, material: Int }
    struct MeshEntry: Encodable { var primitives: [Primitive] }
    struct Material: Encodable {
        struct PBR: Encodable { var baseColorFactor: [Float] = [1, 1, 1, 1], metallicFactor: Float = 0, roughnessFactor: Float = 1 }
        var name = "dream3d_white", pbrMetallicRoughness = PBR()
    }
    struct Accessor: Encodable { var bufferView: Int, componentType: Int, count: Int, type: String, min: [Float]?, max: [Float]? }
    struct BufferView: Encodable { var buffer: Int, byteOffset: Int, byteLength: Int, target: Int }
    struct Buffer: Encodable { var byteLength: Int }

    var asset = Asset()
    var scene = 0
    var scenes = [Scene()]
    var nodes = [Node()]
    var meshes: [MeshEntry] = []
    var materials = [Material()]
    var accessors: [Accessor] = []
    var bufferViews: [BufferView] = []
    var buffers: [Buffer] = []
}
