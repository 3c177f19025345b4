// NeRFField.swift — the learnable scene: a hash-grid encoding read by two small MLPs, one for density
// and one for albedo (threestudio geometry "implicit-volume", models/geometry/implicit_volume.py).
//
//   density σ(x) = softplus(MLP_σ(enc(x)) + blob(x)),  blob(x) = 10·(1 − |x| / 0.5)   ("blob_magic3d")
//   albedo  a(x) = sigmoid(MLP_a(enc(x)))
//   normal  n(x) = −∇σ / |∇σ| by forward differences with step 0.01, or analytically
//
// The blob makes optimisation start from a centred ball instead of empty space. Normals by finite
// differences stay on the tape, so shading gradients reach the geometry without second derivatives.
// threestudio's "finite_difference" normals take central differences (six extra lookups); forward
// differences reuse the density already computed at x and need three, which nearly halves the
// encoding work of a shaded render (the hash grid is the largest cost of an SDS step), for an O(h)
// error that is far below what 32²–64² shading can show. Analytic normals (threestudio's "analytic")
// read the exact gradient of the density network through the encoding in one pass instead
// (HashGridSpatialGradient.swift): no offset lookups at all, but the gradient of the finest levels
// inside their cells, not smoothed over 0.01.
import Dream3DCore

/// How the field's normals are estimated.
public enum NormalEstimate: String, Codable, Sendable, CaseIterable {
    /// Forward differences of σ with step `normalStep`: three more density evaluations per sample.
    case finiteDifference
    /// The exact ∇σ through the MLP and the hash encoding: one extra pass over the samples' corners.
    case analytic
}

/// The field's shape; defaults are threestudio's implicit-volume.
public struct NeRFFieldConfiguration: Codable, Sendable, Equatable {
    /// The scene is the box [−radius, radius]³ (threestudio's bounding radius; 1 fits the cameras at 1.5–2).
    public var radius: Float = 1
    public var encoding = HashGridConfiguration()
    public var hiddenWidth = 64
    public var hiddenLayers = 1
    public var blobScale: Float = 10
    public var blobRadius: Float = 0.5
    public var normalStep: Float = 0.01
    public var normals = NormalEstimate.finiteDifference
    public init() {}
}

/// What the field says about a batch of points.
public struct FieldSamples {
    /// [P] densities σ ≥ 0.
    public var density: Tensor
    /// [P, 3] albedo in (0, 1).
    public var albedo: Tensor
    /// [P, 3] unit outward normals, when asked for.
    public var normals: Tensor?
}

public final class NeRFField {
    public let configuration: NeRFFieldConfiguration
    public let encoding: HashGridEncoding
    public let densityNetwork: VanillaMLP
    public let featureNetwork: VanillaMLP

    public init(_ configuration: NeRFFieldConfiguration = NeRFFieldConfiguration(), generator: inout SeededGenerator) {
        self.configuration = configuration
        encoding = HashGridEncoding(configuration.encoding, generator: &generator)
        let width = configuration.encoding.outputDimension
        densityNetwork = VanillaMLP(name: "density_network", inputs: width, outputs: 1, hiddenWidth: configuration.hiddenWidth,
                                    hiddenLayers: configuration.hiddenLayers, generator: &generator)
        featureNetwork = VanillaMLP(name: "feature_network", inputs: width, outputs: 3, hiddenWidth: configuration.hiddenWidth,
                                    hiddenLayers: configuration.hiddenLayers, generator: &generator)
    }

    /// Every trainable tensor under its checkpoint name (threestudio's module paths).
    public var parameters: [(name: String, tensor: Tensor)] {
        ([encoding.params] + densityNetwork.weights + featureNetwork.weights).map { ($0.name!, $0) }
    }

    /// Density, albedo and (optionally) normals at world points [P, 3] (flat, x y z per point).
    public func callAsFunction(_ points: [Float], normals: Bool = false) -> FieldSamples {
        let positions = normalized(points)
        return samples(points, positions: positions, features: encoding(positions), normals: normals)
    }

    /// As `callAsFunction`, for points whose encoding `encoded` was taken earlier by
    /// `densityWithoutGrad`: the same values and gradients, without encoding the points again.
    func callAsFunction(_ points: [Float], encoded: [Float], normals: Bool) -> FieldSamples {
        let positions = normalized(points)
        return samples(points, positions: positions, features: encoding.recorded(positions, features: encoded), normals: normals)
    }

    private func samples(_ points: [Float], positions: Tensor, features: Tensor, normals: Bool) -> FieldSamples {
        let albedo = featureNetwork(features, featureMajor: true).sigmoid()
        if normals && configuration.normals == .analytic {
            let (raw, gradient) = densityNetwork.outputAndInputGradient(features, featureMajor: true)
            let density = activatedDensity(raw.reshaped([points.count / 3]), points: points)
            return FieldSamples(density: density, albedo: albedo, normals: analyticNormals(points, positions: positions, rawGradient: gradient))
        }
        let density = activatedDensity(densityNetwork(features, featureMajor: true).reshaped([points.count / 3]), points: points)
        return FieldSamples(density: density, albedo: albedo, normals: normals ? self.normals(points, density: density) : nil)
    }

    /// Densities [P] only (the occupancy grid, pruning passes, mesh export).
    public func density(_ points: [Float]) -> Tensor {
        activatedDensity(densityNetwork(encoding(normalized(points)), featureMajor: true).reshaped([points.count / 3]), points: points)
    }

    /// `density(points)` off the tape, with the encoding it was computed from ([levels·2][P], feature-major).
    func densityWithoutGrad(_ points: [Float]) -> (density: [Float], encoded: [Float]) {
        withoutGrad {
            let encoded = encoding.encode(normalized(points))
            let features = Tensor(shape: [encoding.configuration.outputDimension, points.count / 3], scalars: encoded)
            return (activatedDensity(densityNetwork(features, featureMajor: true).reshaped([points.count / 3]), points: points).scalars, encoded)
        }
    }

    /// −∇σ/|∇σ| by forward differences from `density` (σ at `points`): the three offset batches are
    /// evaluated as one.
    func normals(_ points: [Float], density: Tensor) -> Tensor {
        let count = points.count / 3, h = configuration.normalStep, r = configuration.radius
        var offset = zeroedStorage(3 * points.count)      // [3][P][3]: +x, +y, +z
        for axis in 0..<3 {
            for p in 0..<count { for a in 0..<3 {
                let v = points[3 * p + a] + (a == axis ? h : 0)
                offset[(axis * count + p) * 3 + a] = Swift.min(Swift.max(v, -r), r)
            } }
        }
        let d = self.density(offset).reshaped([3, count]).permuted([1, 0])
        // −∇σ (the 1/h factor cancels in the normalisation), normalised with a floor against 0/0.
        let gradient = d - density.reshaped([count, 1])
        let length = (gradient.square().sum(axes: [1], keepDims: true) + 1e-20).sqrt()
        return -gradient / length
    }

    /// −∇σ/|∇σ| exactly: σ = softplus(raw + blob) and softplus′ > 0, so ∇σ points along ∇raw + ∇blob.
    /// ∇raw is the density network's input gradient `rawGradient` ([P, levels·2]) read through the
    /// encoding's spatial derivative (times 1/(2·radius), the normalisation's slope); ∇blob =
    /// −(scale/radius)·x/|x| is constant.
    func analyticNormals(_ points: [Float], positions: Tensor, rawGradient: Tensor) -> Tensor {
        let count = points.count / 3, c = configuration
        let raw = encoding.spatialGradient(positions, along: rawGradient) * (1 / (2 * c.radius))
        var blob = zeroedStorage(3 * count)
        for p in 0..<count {
            let x = points[3 * p], y = points[3 * p + 1], z = points[3 * p + 2]
            let length = (x * x + y * y + z * z).squareRoot()
            guard length > 0 else { continue }
            let slope = -c.blobScale / (c.blobRadius * length)
            blob[3 * p] = slope * x; blob[3 * p + 1] = slope * y; blob[3 * p + 2] = slope * z
        }
        let gradient = raw + Tensor(shape: [count, 3], scalars: blob)
        let length = (gradient.square().sum(axes: [1], keepDims: true) + 1e-20).sqrt()
        return -gradient / length
    }

    /// World points → [P, 3] in [0, 1]³ for the encoding.
    private func normalized(_ points: [Float]) -> Tensor {
        let r = configuration.radius
        return Tensor(shape: [points.count / 3, 3], scalars: points.map { ($0 + r) / (2 * r) })
    }

    /// softplus(raw + blob(x)).
    private func activatedDensity(_ raw: Tensor, points: [Float]) -> Tensor {
        let c = configuration
        let blob = (0..<(points.count / 3)).map { p -> Float in
            let x = points[3 * p], y = points[3 * p + 1], z = points[3 * p + 2]
            return c.blobScale * (1 - (x * x + y * y + z * z).squareRoot() / c.blobRadius)
        }
        return (raw + Tensor(shape: [blob.count], scalars: blob)).softplus()
    }
}
