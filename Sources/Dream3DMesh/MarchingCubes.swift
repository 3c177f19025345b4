// MarchingCubes.swift — the iso-surface of a density grid (Lorensen & Cline 1987) as an indexed mesh.
//
// Every cube of eight neighbouring samples looks up its triangles in MarchingCubesTable.swift; each
// triangle vertex sits on a grid edge whose ends straddle the threshold, linearly interpolated between
// them, and is made once per grid edge and shared by the (up to four) cubes around that edge, so a closed
// surface comes out as a closed mesh with no duplicate vertices.
//
// Closing the border: the grid is padded, conceptually, with one layer of samples below the threshold
// that sit *on* the border (zero distance from the outermost real samples). A surface that leaves the box
// is therefore capped by the box face exactly: the cap's vertices are the inside border samples and the
// contour points on the face. Where the box's edges and corners meet, the caps of two faces share
// vertex positions (not indices); `removingDegenerateTriangles` welds them.
//
// Speed (DESIGN.md §7: ≤ 0.5 s at 256³ on two cores): the padded grid's cube layers are cut into slabs
// marched in parallel. A slab keeps only two z-slices of inside flags and of edge-vertex indices, so
// finding a cube's vertices is an array read, never a dictionary lookup. Vertices are numbered in scan
// order (per slice: x- and y-edges, then the z-edges up to the next slice), so the top slice of one slab
// is numbered exactly like the bottom slice of the next: the merge renumbers without searching, and the
// result does not depend on how many slabs or threads there were.
import Dream3DCore

/// The default threshold for softplus densities: 10, stable-dreamfusion's `density_thresh` (threestudio's
/// `isosurface_threshold` is 25). A trained scene is far denser than that inside and near 0 outside, so
/// the surface barely moves between 10 and 25, and the lower value keeps thin parts.
public let defaultDensityThreshold: Float = 10

/// The surface where density = threshold, enclosing the region where density > threshold. Triangles face
/// outward (toward lower density). Throws before any work if the grid is smaller than 2³, has invalid
/// bounds, holds NaN or ±∞, or if no sample is on one side of the threshold.
public func marchingCubes(_ grid: DensityGrid, threshold: Float = defaultDensityThreshold) throws(MeshError) -> Mesh {
    let n = grid.resolution
    guard n >= 2 else { throw .gridTooSmall(resolution: n) }
    guard grid.bounds.isValid else { throw .invalidBounds(min: grid.bounds.min, max: grid.bounds.max) }
    let (range, nonFinite) = grid.densityStatistics()
    guard nonFinite == 0, let range else { throw .nonFiniteDensity(count: nonFinite, samples: grid.values.count) }
    guard range.lowerBound <= threshold && range.upperBound > threshold else {
        throw .emptySurface(threshold: threshold, densityRange: range)
    }

    // Padded grid: w samples per side, indices 1…n are real, 0 and n + 1 the padding; n + 1 cube layers.
    let layers = n + 1
    let slabCount = max(1, min(64, layers / 8))
    var slabs = [MarchedSlab](repeating: MarchedSlab(), count: slabCount)
    grid.values.withUnsafeBufferPointer { values in
        slabs.withUnsafeMutableBufferPointer { slabs in
            let slabs = slabs.baseAddress!
            parallelFor(slabCount) { s in
                let z = (s * layers / slabCount)..<((s + 1) * layers / slabCount)
                slabs[s] = marchSlab(layers: z, values: values.baseAddress!, n: n, threshold: threshold,
                                     origin: grid.bounds.min, spacing: grid.spacing)
            }
        }
    }
    return mergeSlabs(slabs)
}

/// One slab's vertices (its own, then copies of the next slab's first slice) and triangles (flat
/// local indices, 3 per triangle).
struct MarchedSlab {
    var positions: [SIMD3<Float>] = []
    var ownVertexCount = 0
    var triangles: [UInt32] = []
}

/// Marches the cube layers `layers` of the padded grid (layer z spans padded slices z and z + 1).
func marchSlab(layers: Range<Int>, values: UnsafePointer<Float>, n: Int, threshold: Float,
               origin: SIMD3<Float>, spacing: SIMD3<Float>) -> MarchedSlab {
    let w = n + 2, area = w * w
    var slab = MarchedSlab()                              // grows as needed: all slabs live until the merge

    // Two slices (A below, B above) of inside flags, of 4-bit corner codes per square, and of the vertex
    // index on each x- and y-edge; one slice of z-edge vertex indices between them.
    let flagMemory = UnsafeMutablePointer<UInt8>.allocate(capacity: 4 * area)
    let indexMemory = UnsafeMutablePointer<UInt32>.allocate(capacity: 5 * area)
    flagMemory.initialize(repeating: 0, count: 4 * area)
    indexMemory.initialize(repeating: 0, count: 5 * area)
    defer { flagMemory.deallocate(); indexMemory.deallocate() }
    var flagsA = flagMemory, flagsB = flagMemory + area, codesA = flagMemory + 2 * area, codesB = flagMemory + 3 * area
    var xA = indexMemory, yA = indexMemory + area, xB = indexMemory + 2 * area, yB = indexMemory + 3 * area
    let zEdges = indexMemory + 4 * area

    @inline(__always) func isReal(_ p: Int) -> Bool { p >= 1 && p <= n }
    @inline(__always) func value(_ x: Int, _ y: Int, _ z: Int) -> Float { values[(x - 1) + n * ((y - 1) + n * (z - 1))] }

    /// Inside flags and square codes of padded slice z. The padding ring is never written, so it stays 0.
    func loadSlice(_ z: Int, _ flags: UnsafeMutablePointer<UInt8>, _ codes: UnsafeMutablePointer<UInt8>) {
        if !isReal(z) {
            flags.update(repeating: 0, count: area)
            codes.update(repeating: 0, count: area)
            return
        }
        let slice = values + n * n * (z - 1)
        for y in 1...n {
            let row = slice + n * (y - 1), out = flags + y * w + 1
            for x in 0..<n { out[x] = row[x] > threshold ? 1 : 0 }
        }
        // Corner bits in the table's order: 0 (x, y), 1 (x + 1, y), 2 (x + 1, y + 1), 3 (x, y + 1).
        for y in 0..<(w - 1) {
            let r0 = flags + y * w, r1 = r0 + w, out = codes + y * w
            for x in 0..<(w - 1) { out[x] = r0[x] | r0[x + 1] << 1 | r1[x + 1] << 2 | r1[x] << 3 }
        }
    }

    /// Appends the vertex on the grid edge from padded sample p along `axis`, returns its index.
    func addVertex(_ p: SIMD3<Int>, axis: Int) -> UInt32 {
        var q = p
        q[axis] += 1
        var coordinate: SIMD3<Float>                       // in real-grid units
        if isReal(p[axis]) && isReal(q[axis]) {
            let a = value(p.x, p.y, p.z), b = value(q.x, q.y, q.z)
            var t = (threshold - a) / (b - a)
            if !(t >= 0) { t = 0 } else if t > 1 { t = 1 }  // also catches NaN from a = b = ±∞
            coordinate = SIMD3(Float(p.x - 1), Float(p.y - 1), Float(p.z - 1))
            coordinate[axis] += t
        } else {
            // One end is padding, which sits on the border: the vertex is the real end, exactly.
            let real = isReal(p[axis]) ? p : q
            coordinate = SIMD3(Float(real.x - 1), Float(real.y - 1), Float(real.z - 1))
        }
        slab.positions.append(origin + coordinate * spacing)
        return UInt32(slab.positions.count - 1)
    }

    /// Vertices on the x- and y-edges of padded slice z, in scan order.
    func emitSliceVertices(_ z: Int, _ flags: UnsafeMutablePointer<UInt8>,
                           _ xIndex: UnsafeMutablePointer<UInt32>, _ yIndex: UnsafeMutablePointer<UInt32>) {
        guard isReal(z) else { return }
        for y in 0..<w {
            for x in 0..<w {
                let i = y * w + x, f = flags[i]
                if x + 1 < w && f != flags[i + 1] { xIndex[i] = addVertex(SIMD3(x, y, z), axis: 0) }
                if y + 1 < w && f != flags[i + w] { yIndex[i] = addVertex(SIMD3(x, y, z), axis: 1) }
            }
        }
    }

    let first = layers.lowerBound
    loadSlice(first, flagsA, codesA)
    emitSliceVertices(first, flagsA, xA, yA)
    marchingCubesLookup.withUnsafeBuffers { offsets, edges in
        for z in layers {
            loadSlice(z + 1, flagsB, codesB)
            for i in 0..<area where flagsA[i] != flagsB[i] {
                zEdges[i] = addVertex(SIMD3(i % w, i / w, z), axis: 2)
            }
            if z + 1 == layers.upperBound { slab.ownVertexCount = slab.positions.count }
            emitSliceVertices(z + 1, flagsB, xB, yB)

            for y in 0..<(w - 1) {
                for x in 0..<(w - 1) {
                    let i = y * w + x
                    let cubeCase = Int(codesA[i] | codesB[i] << 4)
                    if cubeCase == 0 || cubeCase == 255 { continue }
                    for k in Int(offsets[cubeCase])..<Int(offsets[cubeCase + 1]) {
                        let vertex: UInt32
                        switch edges[k] {                  // edge numbering: MarchingCubesTable.swift
                        case 0: vertex = xA[i]
                        case 1: vertex = yA[i + 1]
                        case 2: vertex = xA[i + w]
                        case 3: vertex = yA[i]
                        case 4: vertex = xB[i]
                        case 5: vertex = yB[i + 1]
                        case 6: vertex = xB[i + w]
                        case 7: vertex = yB[i]
                        case 8: vertex = zEdges[i]
                        case 9: vertex = zEdges[i + 1]
                        case 10: vertex = zEdges[i + w + 1]
                        default: vertex = zEdges[i + w]
                        }
                        slab.triangles.append(vertex)
                    }
                }
            }
            swap(&flagsA, &flagsB); swap(&codesA, &codesB); swap(&xA, &xB); swap(&yA, &yB)
        }
    }
    return slab
}

/// Concatenates the slabs: slab s's own vertices go to offset Σ own counts before s, and its copies of
/// the next slab's first slice map onto that slab's first vertices, which are the same edges in the same order.
func mergeSlabs(_ slabs: [MarchedSlab]) -> Mesh {
    var vertexOffsets = [0], triangleOffsets = [0]
    for slab in slabs {
        vertexOffsets.append(vertexOffsets.last! + slab.ownVertexCount)
        triangleOffsets.append(triangleOffsets.last! + slab.triangles.count / 3)
    }
    var positions = [SIMD3<Float>](repeating: .zero, count: vertexOffsets.last!)
    var triangles = [SIMD3<UInt32>](repeating: .zero, count: triangleOffsets.last!)
    positions.withUnsafeMutableBufferPointer { positions in
        triangles.withUnsafeMutableBufferPointer { triangles in
            let positions = positions.baseAddress!, triangles = triangles.baseAddress!
            parallelFor(slabs.count) { s in
                let slab = slabs[s], own = UInt32(slab.ownVertexCount)
                let base = UInt32(vertexOffsets[s]), nextBase = UInt32(vertexOffsets[s + 1])
                precondition(s + 1 < slabs.count || slab.positions.count == slab.ownVertexCount,
                             "the last slab has \(slab.positions.count - slab.ownVertexCount) vertices above the grid")
                for v in 0..<slab.ownVertexCount { positions[vertexOffsets[s] + v] = slab.positions[v] }
                @inline(__always) func global(_ v: UInt32) -> UInt32 { v < own ? base + v : nextBase + (v - own) }
                for t in 0..<(slab.triangles.count / 3) {
                    triangles[triangleOffsets[s] + t] = SIMD3(global(slab.triangles[3 * t]),
                                                              global(slab.triangles[3 * t + 1]),
                                                              global(slab.triangles[3 * t + 2]))
                }
            }
        }
    }
    return Mesh(positions: positions, triangles: triangles)
}

/// The table flattened for the inner loop: case c's edges are edges[offsets[c]..<offsets[c + 1]].
struct MarchingCubesLookup: Sendable {
    let offsets: [UInt16]
    let edges: [UInt8]

    init(_ table: [[Int8]]) {
        precondition(table.count == 256 && table.allSatisfy { $0.count % 3 == 0 && $0.allSatisfy { (0..<12).contains($0) } },
                     "the marching cubes table must have 256 rows of edge triples")
        offsets = table.reduce(into: [0]) { $0.append($0.last! + UInt16($1.count)) }
        edges = table.flatMap { $0.map(UInt8.init) }
    }

    func withUnsafeBuffers<R>(_ body: (UnsafeBufferPointer<UInt16>, UnsafeBufferPointer<UInt8>) -> R) -> R {
        offsets.withUnsafeBufferPointer { o in edges.withUnsafeBufferPointer { e in body(o, e) } }
    }
}

let marchingCubesLookup = MarchingCubesLookup(marchingCubesTriangles)
