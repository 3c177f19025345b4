// HashGridEncoding.swift — multiresolution hash encoding (Müller et al. 2022, Instant-NGP, §3).
//
// Matches tiny-cuda-nn's GridEncoding with hash storage: level l has scale s_l = N_min·b^l − 1 and
// resolution ⌈s_l⌉ + 1; a point x ∈ [0, 1]³ sits at x·s_l + 0.5 in that level's grid; the 8 corners
// of its cell are looked up densely when the level's grid fits its table and through the spatial
// hash ⊕ᵢ cᵢ·πᵢ mod T otherwise, π = (1, 2654435761, 805459861), and trilinearly interpolated.
// (π₁ = 1 keeps neighbours along x in neighbouring slots: points sorted along rays then share cache
// lines.) Differs: dense levels clamp corners at the grid edge where tiny-cuda-nn wraps with a modulo.
//
// Speed (DESIGN.md §6): the kernels run level-major — all points for one level, then the next — so
// one level's table (2^19 × 2 floats = 4 MB) stays in cache, and the two cores take whole levels.
// A level's table gradient is then written by one thread only, in point order: deterministic, with
// no per-thread copies to reduce.
import Dream3DCore
import Foundation

/// The encoding's shape. Defaults are threestudio's implicit-volume (configs/dreamfusion-sd.yaml),
/// themselves Instant-NGP's NeRF settings: 16 levels × 2 features, 2^19 entries per level, base
/// resolution 16, per-level scale 1.447 (finest ≈ 4096), i.e. detail down to 1/4096 of the box.
public struct HashGridConfiguration: Codable, Sendable, Equatable {
    public var levels = 16
    public var featuresPerLevel = 2
    public var log2TableSize = 19
    public var baseResolution = 16
    public var perLevelScale: Float = 1.447269237440378
    public init() {}

    /// Width of the encoding: levels × features per level.
    public var outputDimension: Int { levels * featuresPerLevel }
}

/// One level's geometry: where its table starts and how points map into it.
struct HashGridLevel {
    let scale: Float           // s_l = N_min·b^l − 1
    let resolution: Int        // ⌈s_l⌉ + 1 grid vertices per axis
    let tableSize: Int         // entries (dense: resolution³ rounded up to 8; hashed: 2^T)
    let isDense: Bool
    let offset: Int            // first entry of this level in the shared parameter array

    /// Table slot of grid vertex (x, y, z).
    @inline(__always)
    func slot(_ x: UInt32, _ y: UInt32, _ z: UInt32) -> Int {
        if isDense {
            let r = UInt32(resolution)
            return Int(x + y &* r + z &* r &* r)
        }
        return Int((x ^ (y &* 2_654_435_761) ^ (z &* 805_459_861)) & UInt32(tableSize - 1))
    }
}

/// A multiresolution hash encoding with trainable tables. Positions [P, 3] in [0, 1]³ →
/// features [P, levels · featuresPerLevel], level l's features at columns l·F ..< (l+1)·F.
public final class HashGridEncoding {
    public let configuration: HashGridConfiguration
    /// All levels' tables, level after level: [entries, featuresPerLevel]. Checkpoint name "params"
    /// (tiny-cuda-nn's, so the layout reads the same in both).
    public let params: Tensor
    let levels: [HashGridLevel]

    /// Tables initialised uniformly in ±1e-4 (Instant-NGP §4), from `generator`.
    public init(_ configuration: HashGridConfiguration = HashGridConfiguration(), generator: inout SeededGenerator) {
        precondition(configuration.featuresPerLevel == 2, "the kernels are written for 2 features per level")
        self.configuration = configuration
        var levels: [HashGridLevel] = []
        var offset = 0
        let hashedSize = 1 << configuration.log2TableSize
        for l in 0..<configuration.levels {
            let scale = Float(configuration.baseResolution) * Foundation.pow(configuration.perLevelScale, Float(l)) - 1
            let resolution = Int(scale.rounded(.up)) + 1
            let denseSize = (resolution * resolution * resolution + 7) / 8 * 8
            let isDense = denseSize <= hashedSize
            let size = isDense ? denseSize : hashedSize
            levels.append(HashGridLevel(scale: scale, resolution: resolution, tableSize: size, isDense: isDense, offset: offset))
            offset += size
        }
        self.levels = levels
        params = Tensor.parameter([offset, configuration.featuresPerLevel],
                                  scalars: generator.uniforms(offset * configuration.featuresPerLevel, in: -1e-4...1e-4),
                                  name: "params")
    }

    /// Encodes positions [P, 3] (in [0, 1]³; clamped) → [P, levels·2]. Positions get no gradient.
    public func callAsFunction(_ positions: Tensor) -> Tensor {
        precondition(positions.rank == 2 && positions.shape[1] == 3, "hash grid positions must be [P, 3], got \(positions.shape)")
        let params = self.params, levels = self.levels
        let points = positions.shape[0], L = levels.count, width = 2 * L
        var perLevel = [Float](repeating: 0, count: L * points * 2)     // [L][P][2]: each thread writes its own levels
        positions.scalars.withUnsafeBufferPointer { xyz in
            params.scalars.withUnsafeBufferPointer { table in
                perLevel.withUnsafeMutableBufferPointer { out in
                    let xyz = xyz.baseAddress!, table = table.baseAddress!, out = out.baseAddress!
                    parallelFor(L) { l in
                        encodeLevel(levels[l], xyz, points, table, out + l * points * 2)
                    }
                }
            }
        }
        var features = [Float](repeating: 0, count: points * width)      // [P][L·2], the MLP's row layout
        perLevel.withUnsafeBufferPointer { src in
            features.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                parallelChunks(points, minChunk: 8192) { range in
                    for p in range {
                        for l in 0..<L {
                            dst[p * width + 2 * l] = src[(l * points + p) * 2]
                            dst[p * width + 2 * l + 1] = src[(l * points + p) * 2 + 1]
                        }
                    }
                }
            }
        }
        return Tensor.record(Tensor(shape: [points, width], scalars: features), inputs: [params]) { y in
            let dy = y.gradScalars
            positions.scalars.withUnsafeBufferPointer { xyz in
                dy.withUnsafeBufferPointer { dy in
                    params.gradScalars.withUnsafeMutableBufferPointer { grad in
                        let xyz = xyz.baseAddress!, dy = dy.baseAddress!, grad = grad.baseAddress!
                        parallelFor(L) { l in
                            scatterLevelGradient(levels[l], xyz, points, dy + 2 * l, stride: width, grad)
                        }
                    }
                }
            }
        }
    }
}

/// The cell of `p` in `level`: its lower corner and the fractional position inside it.
@inline(__always)
private func cell(_ level: HashGridLevel, _ p: UnsafePointer<Float>) -> (UInt32, UInt32, UInt32, Float, Float, Float) {
    let limit = Float(level.resolution - 2)           // the lower corner stays inside the grid
    var fx = Swift.min(Swift.max(p[0], 0), 1) * level.scale + 0.5
    var fy = Swift.min(Swift.max(p[1], 0), 1) * level.scale + 0.5
    var fz = Swift.min(Swift.max(p[2], 0), 1) * level.scale + 0.5
    let gx = Swift.min(fx.rounded(.down), limit), gy = Swift.min(fy.rounded(.down), limit), gz = Swift.min(fz.rounded(.down), limit)
    fx -= gx; fy -= gy; fz -= gz
    return (UInt32(gx), UInt32(gy), UInt32(gz), fx, fy, fz)
}

/// out[p] = Σ over the 8 corners of trilinear weight × table entry, for one level.
private func encodeLevel(_ level: HashGridLevel, _ xyz: UnsafePointer<Float>, _ points: Int,
                         _ table: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
    let base = table + 2 * level.offset
    for p in 0..<points {
        let (x, y, z, fx, fy, fz) = cell(level, xyz + 3 * p)
        var f0: Float = 0, f1: Float = 0
        for corner in 0..<8 {
            let cx = corner & 1, cy = (corner >> 1) & 1, cz = corner >> 2
            let w = (cx == 1 ? fx : 1 - fx) * (cy == 1 ? fy : 1 - fy) * (cz == 1 ? fz : 1 - fz)
            let entry = base + 2 * level.slot(x + UInt32(cx), y + UInt32(cy), z + UInt32(cz))
            f0 += w * entry[0]
            f1 += w * entry[1]
        }
        out[2 * p] = f0
        out[2 * p + 1] = f1
    }
}

/// table gradient += trilinear weight × dOut, for one level, points in order.
private func scatterLevelGradient(_ level: HashGridLevel, _ xyz: UnsafePointer<Float>, _ points: Int,
                                  _ dy: UnsafePointer<Float>, stride: Int, _ grad: UnsafeMutablePointer<Float>) {
    let base = grad + 2 * level.offset
    for p in 0..<points {
        let g0 = dy[p * stride], g1 = dy[p * stride + 1]
        if g0 == 0 && g1 == 0 { continue }
        let (x, y, z, fx, fy, fz) = cell(level, xyz + 3 * p)
        for corner in 0..<8 {
            let cx = corner & 1, cy = (corner >> 1) & 1, cz = corner >> 2
            let w = (cx == 1 ? fx : 1 - fx) * (cy == 1 ? fy : 1 - fy) * (cz == 1 ? fz : 1 - fz)
            let entry = base + 2 * level.slot(x + UInt32(cx), y + UInt32(cy), z + UInt32(cz))
            entry[0] += w * g0
            entry[1] += w * g1
        }
    }
}
