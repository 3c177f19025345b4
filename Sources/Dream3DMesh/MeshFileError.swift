// MeshFileError.swift — a mesh file could not be read back. The readers exist for the files dream3d
// writes (round-trip tests, re-exports), so the hint says what they accept.

/// Reading an OBJ or PLY file failed; `description` names the file, the line or byte, and the reason.
public enum MeshFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case malformed(path: String, location: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return """
                could not read \(path): \(reason)
                hint: check that the file exists and is readable
                """
        case let .malformed(path, location, reason):
            return """
                \(path): \(location): \(reason)
                hint: dream3d reads the meshes it writes: OBJ with triangles (v, vn, f), binary little-endian PLY with float x y z
                """
        }
    }
}
