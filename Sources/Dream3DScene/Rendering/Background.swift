// Background.swift — what a ray that leaves the scene sees. DreamFusion uses a learned environment
// map, a small MLP on the view direction (threestudio "neural-environment-map-background"); fixed or
// per-step random solid colours keep the prior from painting the object into the background.
import Dream3DCore

/// The colour behind the object.
public enum Background {
    case solid(SIMD3<Float>)
    case learned(BackgroundNetwork)

    /// A solid colour drawn uniformly from the RGB cube: a new one each step keeps the prior from
    /// explaining the object with the background (the built-in prior's training set uses the same).
    public static func randomSolid(using generator: inout SeededGenerator) -> Background {
        let c = generator.uniforms(3)
        return .solid(SIMD3(c[0], c[1], c[2]))
    }

    /// Colours [R, 3] for rays with unit `directions` ([R, 3] flat).
    public func colors(directions: [Float]) -> Tensor {
        let count = directions.count / 3
        switch self {
        case let .solid(c):
            return Tensor(shape: [count, 3], scalars: (0..<count).flatMap { _ in [c.x, c.y, c.z] })
        case let .learned(network):
            return network(Tensor(shape: [count, 3], scalars: directions))
        }
    }
}

/// A small MLP from view direction to colour: 3 → 16 → 16 → 3, sigmoid output.
public final class BackgroundNetwork {
    public let network: VanillaMLP
    public init(generator: inout SeededGenerator) {
        network = VanillaMLP(name: "background", inputs: 3, outputs: 3, hiddenWidth: 16, hiddenLayers: 2, generator: &generator)
    }
    public var parameters: [(name: String, tensor: Tensor)] { network.weights.map { ($0.name!, $0) } }
    /// directions [R, 3] → colours [R, 3] in (0, 1).
    public func callAsFunction(_ directions: Tensor) -> Tensor { network(directions).sigmoid() }
}
