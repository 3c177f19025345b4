// HashGridEncoding.swift — multiresolution hash encoding (Müller et al. 2022, Instant-NGP, §3).
//
// Matches tiny-cuda-nn's GridEncoding with hash storage: level l has scale s_l = N_min·b^l − 1 and
// resolution ⌈s_l⌉ + 1; a point x ∈ [0, 1]³ sits at x·s_l + 0.5 in that level's grid; the 8 corners
// of its cell are looked up densely when the level's grid fits its table and through the spatial
// hash ⊕ᵢ cᵢ·πᵢ mod T otherwise, π = (1, 2654435761, 805459861), and trilinearly interpolated.
// (π₁ = 1 keeps neighbours along x in neighbouring slots: points sorted along rays then share cache
// lines.) Differs: dense levels clamp corners at the grid edge where tiny-cuda-nn wraps with a modulo.
//
// Speed (DESIGN.md §6): the kernels run level-major — many points for one level, then the next — so
// one level's table lines stay in cache while they serve. Both directions give each core whole levels;
// in backward a level's table gradient is then written by one thread only, in point order:
// deterministic, with no per-thread copies to reduce. Tables live on huge pages (`zeroedStorage`).
// The per-level loops are C (CIntrinsics/HashGrid.c): eight points' corners at once in vector
// registers, each corner's two features fetched by one AVX-512 gather, blocks of points prefetched.
import CIntrinsics
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

    /// The level as the C kernels take it.
    var kernelLevel: d3d_hash_grid_level {
        d3d_hash_grid_level(scale: scale, limit: Float(resolution - 2), resolution: UInt32(resolution),
                            mask: UInt32(tableSize - 1), isDense: isDense ? 1 : 0)
    }

    /// Zeroes this level's part of the table gradient `grad` when it does not hold the current gradient
    /// (`Tensor.withGradientBuffer`): the levels' parts tile the whole buffer.
    func zeroGradient(_ grad: UnsafeMutablePointer<Float>, unless isCurrent: Bool) {
        if !isCurrent { (grad + 2 * offset).update(repeating: 0, count: 2 * tableSize) }
    }

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

/// A multiresolution hash encoding with trainable tables. Positions [P, 3] in [0, 1]³ → features
/// [levels · featuresPerLevel, P], feature-major: level l's features are rows l·F ..< (l+1)·F, each
/// holding that feature of every point. The kernels work one level at a time over all points, so this
/// is the layout they write and read contiguously; the field's first layer reads it as a transposed
/// GEMM operand (`Tensor.linear(featureMajor:weight:)`), where points-as-rows cost a regrouping pass over
/// all features each way (~3 ms for 196k points).
public final class HashGridEncoding {
    public let configuration: HashGridConfiguration
    /// All levels' tables, level after level: [entries, featuresPerLevel]. Checkpoint name
    /// "encoding.params" (tiny-cuda-nn's "params", so the layout reads the same in both).
    public let params: Tensor
    let levels: [HashGridLevel]

    /// Entries of each level's table (dense levels: the grid's vertices, rounded up to 8).
    public var tableSizes: [Int] { levels.map(\.tableSize) }

    /// Tables of up to this many entries (1 MB) stay in a core's L2 cache; larger ones miss it at
    /// nearly every corner (HashGrid.h).
    public static let cachedTableEntries = Int(D3D_HASH_GRID_CACHED_ENTRIES)

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
        var table = zeroedStorage(offset * configuration.featuresPerLevel)     // huge pages: random access
        let initial = generator.uniforms(table.count, in: -1e-4...1e-4)
        table.withUnsafeMutableBufferPointer { t in for i in 0..<t.count { t[i] = initial[i] } }
        params = Tensor.parameter([offset, configuration.featuresPerLevel], scalars: table, name: "encoding.params")
    }

    /// Encodes positions [P, 3] (in [0, 1]³; clamped) → [levels·2, P]. Positions get no gradient.
    public func callAsFunction(_ positions: Tensor) -> Tensor {
        recorded(positions, features: encode(positions))
    }

    /// The encoding `features` of `positions` (as `encode` computed them, perhaps earlier and without
    /// gradients) as the output of this op: the renderer's early-termination pass encodes every marched
    /// sample, and the samples it keeps are not encoded a second time.
    func recorded(_ positions: Tensor, features: [Float]) -> Tensor {
        let params = self.params, levels = self.levels
        let points = positions.shape[0], L = levels.count, width = 2 * L
        precondition(features.count == points * width, "\(features.count) encoded values for \(points) points of width \(width)")
        return Tensor.record(Tensor(shape: [width, points], scalars: features), inputs: [params]) { y in
            let dy = y.gradScalars
            positions.scalars.withUnsafeBufferPointer { xyz in
                dy.withUnsafeBufferPointer { dy in
                    params.withGradientBuffer { grad, isCurrent in
                        let xyz = xyz.baseAddress!, dy = dy.baseAddress!, grad = grad.baseAddress!
                        parallelFor(L) { l in
                            levels[l].zeroGradient(grad, unless: isCurrent)
                            d3d_hash_grid_scatter(levels[l].kernelLevel, xyz, points, dy + 2 * l * points, points, grad + 2 * levels[l].offset)
                        }
                    }
                }
            }
        }
    }

    /// The forward kernels: positions [P, 3] → features [levels·2][P], feature-major, off the tape.
    func encode(_ positions: Tensor) -> [Float] {
        precondition(positions.rank == 2 && positions.shape[1] == 3, "hash grid positions must be [P, 3], got \(positions.shape)")
        let params = self.params, levels = self.levels
        let points = positions.shape[0], L = levels.count
        // Forward: each thread takes whole levels, so it works in one 4 MB table at a time (all 16
        // tables, 50 MB, exceed the L3 cache).
        var features = uninitializedStorage(L * points * 2)
        positions.scalars.withUnsafeBufferPointer { xyz in
            params.scalars.withUnsafeBufferPointer { table in
                features.withUnsafeMutableBufferPointer { out in
                    let xyz = xyz.baseAddress!, table = table.baseAddress!, out = out.baseAddress!
                    parallelFor(L) { l in
                        d3d_hash_grid_encode(levels[l].kernelLevel, xyz, points, table + 2 * levels[l].offset, out + 2 * l * points, points)
                    }
                }
            }
        }
        return features
    }
}

/// Level-major pairs [levels][P][2] → rows [P][levels·2] (the layout of a read-out v of the encoding:
/// `spatialGradient`).
func rows(_ pairs: [Float], points: Int, levels: Int) -> [Float] {
    regrouped(pairs, points: points, levels: levels, toRows: true)
}

/// Rows [P][levels·2] → level-major pairs [levels][P][2] (one level's pairs contiguous).
func levelMajor(_ rows: [Float], points: Int, levels: Int) -> [Float] {
    regrouped(rows, points: points, levels: levels, toRows: false)
}

/// The two layouts' shared copy: a pair (8 bytes, one UInt64) moves at a time, in blocks of 256 points
/// (32 KB of rows, so a row's lines stay in L1 while all levels visit them), chunks in parallel.
private func regrouped(_ source: [Float], points: Int, levels: Int, toRows: Bool) -> [Float] {
    storage(points * levels * 2) { destination in
        source.withUnsafeBufferPointer { source in
            let source = UnsafeRawPointer(source.baseAddress!).assumingMemoryBound(to: UInt64.self)
            let destination = UnsafeMutableRawPointer(destination.baseAddress!).assumingMemoryBound(to: UInt64.self)
            parallelChunks(points, minChunk: 8192) { range in
                for block in stride(from: range.lowerBound, to: range.upperBound, by: 256) {
                    let end = min(block + 256, range.upperBound)
                    for l in 0..<levels {
                        let column = l * points
                        if toRows {
                            for p in block..<end { destination[p * levels + l] = source[column + p] }
                        } else {
                            for p in block..<end { destination[column + p] = source[p * levels + l] }
                        }
                    }
                }
            }
        }
    }
}
