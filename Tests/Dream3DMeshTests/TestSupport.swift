// TestSupport.swift — analytic fields with known volume, area and topology, and mesh checks written
// independently of the code under test (topology from the index lists alone).
import Foundation
import Testing
@testable import Dream3DMesh

// MARK: Analytic fields

/// A density that equals `threshold` exactly where `signedDistance` is 0 and grows inward (slope 100 per
/// scene unit), like a trained softplus density crossing the export threshold: the surface is the SDF's zero set.
func densityFromSDF(threshold: Float = defaultDensityThreshold, _ signedDistance: @escaping @Sendable (SIMD3<Float>) -> Float) -> DensityField {
    { points in points.map { threshold - 100 * signedDistance($0) } }
}

func sphereSDF(center: SIMD3<Float> = .zero, radius: Float) -> @Sendable (SIMD3<Float>) -> Float {
    { p in length(p - center) - radius }
}

/// Torus around the z axis: distance R from the axis to the tube's centre line, tube radius r.
func torusSDF(majorRadius: Float, minorRadius: Float) -> @Sendable (SIMD3<Float>) -> Float {
    { p in
        let q = SIMD2((p.x * p.x + p.y * p.y).squareRoot() - majorRadius, p.z)
        return (q * q).sum().squareRoot() - minorRadius
    }
}

/// The union of two shapes (the inside of either).
func unionSDF(_ a: @escaping @Sendable (SIMD3<Float>) -> Float, _ b: @escaping @Sendable (SIMD3<Float>) -> Float) -> @Sendable (SIMD3<Float>) -> Float {
    { p in min(a(p), b(p)) }
}

let unitBox = AxisAlignedBox(halfSize: 1)

/// Raw marching cubes of an analytic field at `resolution`³ over [-1, 1]³.
func march(_ sdf: @escaping @Sendable (SIMD3<Float>) -> Float, resolution: Int = 128, bounds: AxisAlignedBox = unitBox) throws -> Mesh {
    let grid = try DensityGrid.sample(densityFromSDF(sdf), bounds: bounds, resolution: resolution)
    return try marchingCubes(grid)
}

// MARK: Topology, computed from the triangle list alone

/// Directed edge a→b as one integer.
func edgeKey(_ a: UInt32, _ b: UInt32) -> UInt64 { UInt64(a) << 32 | UInt64(b) }

struct Topology {
    /// How many triangles use each directed edge.
    var directed: [UInt64: Int] = [:]
    var undirectedCount: Int { Set(directed.keys.map { k in min(k, (k & 0xFFFF_FFFF) << 32 | k >> 32) }).count }

    init(_ mesh: Mesh) {
        for t in mesh.triangles {
            directed[edgeKey(t.x, t.y), default: 0] += 1
            directed[edgeKey(t.y, t.z), default: 0] += 1
            directed[edgeKey(t.z, t.x), default: 0] += 1
        }
    }

    /// Directed edges used more than once, or whose reverse is not used exactly once. Empty for a closed,
    /// consistently oriented, edge-manifold mesh (every edge in exactly two triangles, once each way).
    var badEdges: [(UInt32, UInt32)] {
        directed.compactMap { key, count in
            let a = UInt32(key >> 32), b = UInt32(key & 0xFFFF_FFFF)
            return count == 1 && directed[edgeKey(b, a)] == 1 ? nil : (a, b)
        }
    }
}

/// V − E + F over the vertices the triangles use.
func eulerCharacteristic(_ mesh: Mesh) -> Int {
    let used = Set(mesh.triangles.flatMap { [$0.x, $0.y, $0.z] }).count
    return used - Topology(mesh).undirectedCount + mesh.triangleCount
}

/// Vertices whose triangles do not form one single fan closing around them (a pinch point where two
/// sheets touch, or an open fan). Empty for a closed 2-manifold.
func nonManifoldVertices(_ mesh: Mesh) -> [Int] {
    var link = [[(UInt32, UInt32)]](repeating: [], count: mesh.vertexCount)
    for t in mesh.triangles {
        link[Int(t.x)].append((t.y, t.z)); link[Int(t.y)].append((t.z, t.x)); link[Int(t.z)].append((t.x, t.y))
    }
    return link.indices.filter { v in
        let fan = link[v]
        guard !fan.isEmpty else { return false }
        var next: [UInt32: UInt32] = [:]
        for (a, b) in fan { if next[a] != nil { return true }; next[a] = b }
        var steps = 0, at = fan[0].0
        repeat { guard let n = next[at] else { return true }; at = n; steps += 1 } while at != fan[0].0 && steps <= fan.count
        return steps != fan.count
    }
}

/// Number of groups of triangles connected through shared vertices (union-find written here, not the library's).
func componentCount(_ mesh: Mesh) -> Int {
    var parent = Array(0..<mesh.vertexCount)
    func root(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
    for t in mesh.triangles {
        let a = root(Int(t.x)), b = root(Int(t.y)), c = root(Int(t.z))
        parent[b] = a; parent[root(c)] = root(a)
    }
    return Set(mesh.triangles.map { root(Int($0.x)) }).count
}

/// Checks that `mesh` is a closed, consistently wound 2-manifold with Euler characteristic `euler`.
func expectClosedManifold(_ mesh: Mesh, euler: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    // Counts, not the arrays, go into #expect: a broken mesh has thousands of bad edges.
    let bad = Topology(mesh).badEdges, badCount = bad.count
    #expect(badCount == 0, "\(what): edges open, shared by more than two triangles or wound inconsistently, e.g. \(bad.prefix(3))", sourceLocation: sourceLocation)
    let pinched = nonManifoldVertices(mesh), pinchedCount = pinched.count
    #expect(pinchedCount == 0, "\(what): non-manifold vertices, e.g. \(pinched.prefix(3))", sourceLocation: sourceLocation)
    #expect(eulerCharacteristic(mesh) == euler, "\(what): Euler characteristic", sourceLocation: sourceLocation)
}

func expectRelativeError(_ value: Double, _ reference: Double, below tolerance: Double, _ what: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(value - reference) / abs(reference)
    #expect(error < tolerance, "\(what): \(value) vs analytic \(reference) (relative error \(error))", sourceLocation: sourceLocation)
}

// MARK: Randomness and files

/// SplitMix64 (Steele, Lea & Flood 2014): a seeded generator so that every test run sees the same numbers.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A fresh empty folder under the system's temporary directory, removed by the caller's `defer`.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-mesh-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
