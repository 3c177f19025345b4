// MeshSmoothing.swift — Laplacian and Taubin smoothing with the uniform ("umbrella") Laplacian:
// Δpᵢ = mean of pᵢ's edge neighbours − pᵢ, over each vertex's distinct neighbours.
//
// Laplacian smoothing (pᵢ += λΔpᵢ) removes the staircase noise of marching cubes but also shrinks the
// whole surface. Taubin's λ|μ smoothing (G. Taubin, "A signal processing approach to fair surface
// design", SIGGRAPH 1995, §4) alternates a shrinking step λ > 0 with an inflating step μ < −λ: a low-pass
// filter that keeps frequencies below k_PB = 1/λ + 1/μ, so the shape keeps its size. Our defaults are the
// paper's example λ = 0.6307, μ = −0.6732 (k_PB = 0.1). Each step reads the previous positions only
// (Jacobi), so vertices are updated in parallel and the result does not depend on the thread count.
import Dream3DCore

/// Optional smoothing after marching cubes; `.none` by default.
public enum Smoothing: Sendable, Equatable {
    case none
    /// `iterations` steps of pᵢ += λΔpᵢ.
    case laplacian(iterations: Int, lambda: Float = 0.5)
    /// `iterations` pairs of steps, pᵢ += λΔpᵢ then pᵢ += μΔpᵢ.
    case taubin(iterations: Int, lambda: Float = 0.6307, mu: Float = -0.6732)
}

extension Mesh {
    /// The mesh with smoothed positions and the same triangles. Normals, if any, are recomputed.
    public func smoothed(_ smoothing: Smoothing) -> Mesh {
        let factors: [Float]
        switch smoothing {
        case .none: return self
        case let .laplacian(iterations, lambda): factors = Array(repeating: lambda, count: max(0, iterations))
        case let .taubin(iterations, lambda, mu): factors = (0..<max(0, iterations)).flatMap { _ in [lambda, mu] }
        }
        let neighbours = VertexNeighbours(self)
        var mesh = self
        var next = positions
        for factor in factors {
            mesh.positions.withUnsafeBufferPointer { current in
                next.withUnsafeMutableBufferPointer { next in
                    let next = next.baseAddress!
                    parallelChunks(current.count) { range in
                        for v in range { next[v] = current[v] + factor * neighbours.laplacian(v, current) }
                    }
                }
            }
            swap(&mesh.positions, &next)
        }
        return normals.isEmpty ? mesh : mesh.withVertexNormals()
    }
}

/// Each vertex's distinct edge neighbours in one flat list (compressed rows): vertex v's neighbours are
/// list[start[v]..<start[v + 1]], sorted.
struct VertexNeighbours {
    let start: [Int]
    let list: [UInt32]

    init(_ mesh: Mesh) {
        var pairs: [(UInt32, UInt32)] = []
        pairs.reserveCapacity(6 * mesh.triangles.count)
        for t in mesh.triangles {
            pairs += [(t.x, t.y), (t.y, t.x), (t.y, t.z), (t.z, t.y), (t.z, t.x), (t.x, t.z)]
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var start = [Int](repeating: 0, count: mesh.positions.count + 1)
        var list: [UInt32] = []
        list.reserveCapacity(pairs.count / 2)
        var previous: (UInt32, UInt32)? = nil
        for p in pairs where previous.map({ $0 != p }) ?? true {
            list.append(p.1)
            start[Int(p.0) + 1] += 1
            previous = p
        }
        for v in 0..<mesh.positions.count { start[v + 1] += start[v] }
        self.start = start
        self.list = list
    }

    /// Mean of v's neighbours minus v (zero for a vertex without neighbours).
    @inline(__always) func laplacian(_ v: Int, _ positions: UnsafeBufferPointer<SIMD3<Float>>) -> SIMD3<Float> {
        let range = start[v]..<start[v + 1]
        guard !range.isEmpty else { return .zero }
        var sum = SIMD3<Float>.zero
        for k in range { sum += positions[Int(list[k])] }
        return sum / Float(range.count) - positions[v]
    }
}
