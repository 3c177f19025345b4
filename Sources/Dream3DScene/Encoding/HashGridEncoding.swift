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
// deterministic, with no per-thread copies to reduce. Tables live on huge pages
// (`zeroedStorage`), and each block of 32 points prefetches its corners' lines before using them.
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
    /// All levels' tables, level after level: [entries, featuresPerLevel]. Checkpoint name
    /// "encoding.params" (tiny-cuda-nn's "params", so the layout reads the same in both).
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
        var table = zeroedStorage(offset * configuration.featuresPerLevel)     // huge pages: random access
        let initial = generator.uniforms(table.count, in: -1e-4...1e-4)
        table.withUnsafeMutableBufferPointer { t in for i in 0..<t.count { t[i] = initial[i] } }
        params = Tensor.parameter([offset, configuration.featuresPerLevel], scalars: table, name: "encoding.params")
    }

    /// Encodes positions [P, 3] (in [0, 1]³; clamped) → [P, levels·2]. Positions get no gradient.
    public func callAsFunction(_ positions: Tensor) -> Tensor {
        precondition(positions.rank == 2 && positions.shape[1] == 3, "hash grid positions must be [P, 3], got \(positions.shape)")
        let params = self.params, levels = self.levels
        let points = positions.shape[0], L = levels.count, width = 2 * L
        // Forward: each thread takes whole levels, so it works in one 4 MB table at a time (all 16
        // tables, 50 MB, exceed the L3 cache), writing a level-major buffer; rows are formed after.
        var perLevel = zeroedStorage(L * points * 2)
        positions.scalars.withUnsafeBufferPointer { xyz in
            params.scalars.withUnsafeBufferPointer { table in
                perLevel.withUnsafeMutableBufferPointer { out in
                    let xyz = xyz.baseAddress!, table = table.baseAddress!, out = out.baseAddress!
                    parallelFor(L) { l in encodeLevel(levels[l], xyz, 0..<points, table, out + l * points * 2, stride: 2) }
                }
            }
        }
        var features = zeroedStorage(points * width)                     // [P][L·2], the MLP's row layout
        perLevel.withUnsafeBufferPointer { src in
            features.withUnsafeMutableBufferPointer { dst in
                let src = src.baseAddress!, dst = dst.baseAddress!
                parallelChunks(points, minChunk: 8192) { range in
                    for p in range { for l in 0..<L {
                        dst[p * width + 2 * l] = src[(l * points + p) * 2]
                        dst[p * width + 2 * l + 1] = src[(l * points + p) * 2 + 1]
                    } }
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

/// Points per block in the kernels: a block's table slots are computed and their cache lines
/// prefetched first, then the block is gathered (or scattered), so up to 4 × 32 misses are in flight
/// at once instead of the few the out-of-order window finds by itself.
private let blockSize = 32

/// The 8 corner slots and trilinear weights of each point of a block, in one level.
/// Corner c has bit 0 = x, bit 1 = y, bit 2 = z; x-neighbours (c, c + 1) sit in adjacent slots of a
/// hashed table (π₁ = 1) and of a dense one, so one prefetch per pair serves both.
private struct BlockCorners {
    let slots = UnsafeMutablePointer<Int32>.allocate(capacity: blockSize * 8)
    let weights = UnsafeMutablePointer<Float>.allocate(capacity: blockSize * 8)

    func deallocate() { slots.deallocate(); weights.deallocate() }

    /// Fills corners of points `first ..< first + count`, prefetching their lines of `table`.
    @inline(__always)
    func locate(_ level: HashGridLevel, _ xyz: UnsafePointer<Float>, first: Int, count: Int,
                table: UnsafePointer<Float>, forWriting: Bool) {
        let limit = Float(level.resolution - 2), scale = level.scale
        let r = UInt32(level.resolution), mask = UInt32(level.tableSize - 1)
        for b in 0..<count {
            let p = xyz + 3 * (first + b)
            let px = Swift.min(Swift.max(p[0], 0), 1) * scale + 0.5
            let py = Swift.min(Swift.max(p[1], 0), 1) * scale + 0.5
            let pz = Swift.min(Swift.max(p[2], 0), 1) * scale + 0.5
            // Truncation is floor here (positions ≥ 0) and avoids a libm call.
            let lx = Swift.min(Float(Int32(px)), limit), ly = Swift.min(Float(Int32(py)), limit), lz = Swift.min(Float(Int32(pz)), limit)
            let fx = px - lx, fy = py - ly, fz = pz - lz
            let x = UInt32(lx), y = UInt32(ly), z = UInt32(lz)
            // Slots of the four x-pairs' lower corners, for (y, z) = (0,0), (1,0), (0,1), (1,1).
            var pair: (UInt32, UInt32, UInt32, UInt32)
            if level.isDense {
                let row = x &+ y &* r &+ z &* r &* r
                pair = (row, row &+ r, row &+ r &* r, row &+ r &+ r &* r)
            } else {
                let y0 = y &* 2_654_435_761, y1 = (y &+ 1) &* 2_654_435_761
                let z0 = z &* 805_459_861, z1 = (z &+ 1) &* 805_459_861
                pair = (y0 ^ z0, y1 ^ z0, y0 ^ z1, y1 ^ z1)
            }
            let wy0 = 1 - fy, wz0 = 1 - fz, wx0 = 1 - fx
            let yz: (Float, Float, Float, Float) = (wy0 * wz0, fy * wz0, wy0 * fz, fy * fz)
            let s = slots + 8 * b, w = weights + 8 * b
            for k in 0..<4 {
                let key: UInt32, weight: Float
                switch k {
                case 0: key = pair.0; weight = yz.0
                case 1: key = pair.1; weight = yz.1
                case 2: key = pair.2; weight = yz.2
                default: key = pair.3; weight = yz.3
                }
                let lower = level.isDense ? key : (x ^ key) & mask
                let upper = level.isDense ? key &+ 1 : ((x &+ 1) ^ key) & mask
                s[2 * k] = Int32(bitPattern: lower)
                s[2 * k + 1] = Int32(bitPattern: upper)
                w[2 * k] = wx0 * weight
                w[2 * k + 1] = fx * weight
                if forWriting { d3d_prefetch_write(table + 2 * Int(lower)) } else { d3d_prefetch_read(table + 2 * Int(lower)) }
            }
        }
    }
}

/// out[p·stride] = Σ over the 8 corners of trilinear weight × table entry, for one level and the
/// points in `range`.
private func encodeLevel(_ level: HashGridLevel, _ xyz: UnsafePointer<Float>, _ range: Range<Int>,
                         _ table: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, stride: Int) {
    let base = table + 2 * level.offset, corners = BlockCorners()
    defer { corners.deallocate() }
    for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: blockSize) {
        let count = Swift.min(blockSize, range.upperBound - first)
        corners.locate(level, xyz, first: first, count: count, table: base, forWriting: false)
        for b in 0..<count {
            var f0: Float = 0, f1: Float = 0
            for c in 0..<8 {
                let w = corners.weights[8 * b + c], entry = base + 2 * Int(corners.slots[8 * b + c])
                f0 += w * entry[0]
                f1 += w * entry[1]
            }
            out[(first + b) * stride] = f0
            out[(first + b) * stride + 1] = f1
        }
    }
}

/// table gradient += trilinear weight × dOut, for one level, points in order.
private func scatterLevelGradient(_ level: HashGridLevel, _ xyz: UnsafePointer<Float>, _ points: Int,
                                  _ dy: UnsafePointer<Float>, stride: Int, _ grad: UnsafeMutablePointer<Float>) {
    let base = grad + 2 * level.offset, corners = BlockCorners()
    defer { corners.deallocate() }
    for first in Swift.stride(from: 0, to: points, by: blockSize) {
        let count = Swift.min(blockSize, points - first)
        corners.locate(level, xyz, first: first, count: count, table: base, forWriting: true)
        for b in 0..<count {
            let g0 = dy[(first + b) * stride], g1 = dy[(first + b) * stride + 1]
            for c in 0..<8 {
                let w = corners.weights[8 * b + c], entry = base + 2 * Int(corners.slots[8 * b + c])
                entry[0] += w * g0
                entry[1] += w * g1
            }
        }
    }
}
