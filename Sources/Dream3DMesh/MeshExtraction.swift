// MeshExtraction.swift — the export pipeline of DESIGN.md §2 after training: density on an N³ grid →
// slits finer than the renders see closed → marching cubes → degenerate triangles and small components
// removed → optional smoothing → vertex normals → vertex colours from the albedo field.

/// How `extractMesh` turns a field into a mesh. Defaults follow the references (DESIGN.md §2).
public struct MeshExtractionOptions: Sendable, Equatable {
    /// Samples per side of the density grid; 256 as stable-dreamfusion's and threestudio's exporters.
    public var resolution = 256
    /// The density of the surface; see `defaultDensityThreshold`.
    public var threshold = defaultDensityThreshold
    /// Half-width, in scene units, of the closing that fills gaps narrower than about twice this before
    /// marching cubes (DensityClosing.swift); 0: none.
    public var closingRadius: Float = 0
    /// Components with fewer triangles than this fraction of the mesh are dropped (floaters).
    public var minComponentFraction = 0.01
    public var smoothing = Smoothing.none
    /// Points per call of the density and albedo fields (one batch per worker is alive at a time).
    public var batchSize = 65_536

    public init(resolution: Int = 256, threshold: Float = defaultDensityThreshold, closingRadius: Float = 0, minComponentFraction: Double = 0.01,
                smoothing: Smoothing = .none, batchSize: Int = 65_536) {
        self.resolution = resolution
        self.threshold = threshold
        self.closingRadius = closingRadius
        self.minComponentFraction = minComponentFraction
        self.smoothing = smoothing
        self.batchSize = batchSize
    }
}

/// The surface of `density` inside `bounds` as a cleaned mesh with unit vertex normals and, if `albedo`
/// is given, vertex colours. Throws `MeshError` for a bad resolution or bounds (before the field is
/// called) or when the field has no surface at the threshold: it never returns an empty mesh.
public func extractMesh(density: DensityField, albedo: AlbedoField?, bounds: AxisAlignedBox,
                        options: MeshExtractionOptions = MeshExtractionOptions()) throws(MeshError) -> Mesh {
    let grid = try DensityGrid.sample(density, bounds: bounds, resolution: options.resolution, batchSize: options.batchSize)
    let closingSamples = Int((options.closingRadius / grid.spacing.max()).rounded())
    let closedGrid = grid.closingGaps(radius: closingSamples, threshold: options.threshold, minPieceFraction: options.minComponentFraction)
    var mesh = try marchingCubes(closedGrid, threshold: options.threshold)
        .removingDegenerateTriangles()
        .removingSmallComponents(minTriangleFraction: options.minComponentFraction)
        .smoothed(options.smoothing)
        .withVertexNormals()
    if let albedo { mesh = mesh.withVertexColors(albedo, batchSize: options.batchSize) }
    return mesh
}
