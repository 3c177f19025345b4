// MeshError.swift — what a user can get wrong when extracting a mesh, as values that carry the facts
// (STYLE.md §5). Writers report FileWriteError (Dream3DCore), readers MeshFileError.

/// A mesh could not be extracted from the field the user gave; `description` says why and what to try.
public enum MeshError: Error, CustomStringConvertible, Equatable {
    /// No density crosses the threshold: every sample is at or below it, or every sample is above it.
    case emptySurface(threshold: Float, densityRange: ClosedRange<Float>)
    /// The field returned NaN or ±∞ at `count` of the grid's `samples` points.
    case nonFiniteDensity(count: Int, samples: Int)
    /// Fewer than 2 samples per side: no cube to march.
    case gridTooSmall(resolution: Int)
    /// The scene bounds are empty, inverted or not finite.
    case invalidBounds(min: SIMD3<Float>, max: SIMD3<Float>)

    public var description: String {
        switch self {
        case let .emptySurface(threshold, range):
            let middle = range.lowerBound + (range.upperBound - range.lowerBound) / 2
            let suggestion = range.lowerBound < range.upperBound
                ? "export again with --threshold \(middle)"
                : "the field is constant, so no threshold finds a surface"
            if range.lowerBound > threshold {
                return """
                    no surface at density threshold \(threshold): every density is above it (they span \(range.lowerBound)…\(range.upperBound)), so the whole box is inside
                    hint: \(suggestion), or enlarge the bounds so that they reach empty space
                    """
            }
            return """
                no surface at density threshold \(threshold): every density is at or below it (they span \(range.lowerBound)…\(range.upperBound))
                hint: \(suggestion), or train for more steps
                """
        case let .nonFiniteDensity(count, samples):
            return """
                the density field returned NaN or infinity at \(count) of \(samples) grid points
                hint: the run has diverged; resume from an earlier checkpoint or lower the learning rate
                """
        case let .gridTooSmall(n):
            return """
                marching cubes needs at least 2 samples per side, got \(n)
                hint: use a resolution such as 256
                """
        case let .invalidBounds(min, max):
            return """
                the scene bounds \(min)…\(max) are empty, inverted or not finite
                hint: give bounds with min < max on every axis, e.g. -1…1
                """
        }
    }
}
