// Field.swift — the scene as the mesher sees it: two batched functions of position. Closures rather than
// a protocol so that tests pass analytic fields (a sphere's signed distance) and the trainer passes its
// NeRF field, with nothing else to conform to.
//
// Both are called from several worker threads at once, each call with its own batch of points (at most
// one batch per worker is alive), so they must be safe to call concurrently: a trained field only reads
// its weights.

/// points: [P] scene positions → [P] densities, high inside the object (softplus densities: ≥ 0).
public typealias DensityField = (_ points: [SIMD3<Float>]) -> [Float]

/// points: [P] scene positions → [P] albedo RGB, nominally in [0, 1] (clamped when stored on vertices).
public typealias AlbedoField = (_ points: [SIMD3<Float>]) -> [SIMD3<Float>]
