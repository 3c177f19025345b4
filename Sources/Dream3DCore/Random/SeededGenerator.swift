// SeededGenerator.swift — dream3d's only source of randomness (DESIGN.md §6): a seed fixes every
// camera, noise sample and initial weight. Streams are split by purpose ("cameras", "noise",
// "init"), so adding draws to one purpose never shifts another's numbers.
import Foundation

/// A seeded, splittable, savable random stream over Philox4x32-10.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    /// The Philox key; identifies the stream.
    public private(set) var key: UInt64
    /// Index of the next Philox block; the whole position within the stream.
    public var counter: UInt64

    /// The root stream for a seed.
    public init(seed: UInt64) {
        key = mix64(seed)
        counter = 0
    }

    /// A stream restored from a saved `(key, counter)`.
    public init(key: UInt64, counter: UInt64) {
        self.key = key
        self.counter = counter
    }

    /// An independent stream for `purpose`, derived from this stream's key (not its position):
    /// `SeededGenerator(seed: 7).split("cameras")` is the same stream on every run.
    public func split(_ purpose: String) -> SeededGenerator {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325                // FNV-1a over the purpose's bytes
        for byte in purpose.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return SeededGenerator(key: mix64(key ^ mix64(hash)), counter: 0)
    }

    /// The four 32-bit words of block `index` (does not move the stream).
    @inline(__always)
    func block(_ index: UInt64) -> (UInt32, UInt32, UInt32, UInt32) {
        philox4x32((UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32), 0, 0),
                   key: (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32)))
    }

    /// 64 random bits (one block per call; RandomNumberGenerator conformance).
    public mutating func next() -> UInt64 {
        let (a, b, _, _) = block(counter)
        counter &+= 1
        return UInt64(a) | UInt64(b) << 32
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float {
        unitFloat(UInt32(truncatingIfNeeded: next()))
    }

    /// Uniform in `range`.
    public mutating func uniform(in range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * uniform()
    }

    /// One standard normal sample (Box–Muller on one block).
    public mutating func normal() -> Float {
        let (a, b, _, _) = block(counter)
        counter &+= 1
        return boxMuller(a, b).0
    }

    /// `count` standard normal samples: 4 per block (two Box–Muller pairs), filled in parallel.
    /// Advances the stream by ⌈count / 4⌉ blocks.
    public mutating func normals(_ count: Int) -> [Float] {
        fill(count) { (a, b, c, d) in
            let (x, y) = boxMuller(a, b), (z, w) = boxMuller(c, d)
            return (x, y, z, w)
        }
    }

    /// `count` samples uniform in `range`, 4 per block, filled in parallel.
    public mutating func uniforms(_ count: Int, in range: ClosedRange<Float> = 0...1) -> [Float] {
        let low = range.lowerBound, width = range.upperBound - range.lowerBound
        return fill(count) { (a, b, c, d) in
            (low + width * unitFloat(a), low + width * unitFloat(b), low + width * unitFloat(c), low + width * unitFloat(d))
        }
    }

    /// Writes 4 values per block, block i of the fill from counter + i, so the result does not
    /// depend on how the parallel loop splits the work.
    private mutating func fill(_ count: Int, _ transform: ((UInt32, UInt32, UInt32, UInt32)) -> (Float, Float, Float, Float)) -> [Float] {
        let blocks = (count + 3) / 4, first = counter, stream = self
        var out = [Float](repeating: 0, count: blocks * 4)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            parallelChunks(blocks, minChunk: 1024) { range in
                for i in range {
                    let (x, y, z, w) = transform(stream.block(first &+ UInt64(i)))
                    base[4 * i] = x; base[4 * i + 1] = y; base[4 * i + 2] = z; base[4 * i + 3] = w
                }
            }
        }
        counter &+= UInt64(blocks)
        return Array(out.prefix(count))
    }
}

/// [0, 1) from the top 24 bits of a word: every value exactly representable in Float.
@inline(__always)
func unitFloat(_ word: UInt32) -> Float { Float(word >> 8) * (1 / 16_777_216) }

/// Two independent N(0, 1) samples from two words (Box & Muller 1958). u1 is kept in (0, 1] so the
/// logarithm is finite.
@inline(__always)
func boxMuller(_ a: UInt32, _ b: UInt32) -> (Float, Float) {
    let u1 = (Float(a >> 8) + 1) * (1 / 16_777_216), u2 = unitFloat(b)
    let radius = (-2 * Foundation.log(u1)).squareRoot(), angle = 2 * Float.pi * u2
    return (radius * Foundation.cos(angle), radius * Foundation.sin(angle))
}

extension Tensor {
    /// Values drawn uniformly from `range`.
    public static func uniform(_ shape: [Int], in range: ClosedRange<Float> = 0...1, using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, scalars: generator.uniforms(shape.reduce(1, *), in: range))
    }

    /// Values drawn from N(mean, std²).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using generator: inout SeededGenerator) -> Tensor {
        Tensor(shape: shape, scalars: generator.normals(shape.reduce(1, *)).map { mean + std * $0 })
    }
}
