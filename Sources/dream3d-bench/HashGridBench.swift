// HashGridBench.swift — the hash encoding at its default size (16 levels × 2 features, 2^19 table) on
// points sorted along rays, as the renderer produces them: 4096 rays × 48 samples. Target (issue 3):
// forward+backward ≥ 10 M points/s on 2 cores; a pure-PyTorch CPU hash grid does about 0.08 M points/s.
import Dream3DCore
import Dream3DScene

func benchHashGrid() {
    var generator = SeededGenerator(seed: 2)
    let encoding = HashGridEncoding(generator: &generator)
    let rays = 4096, samples = 48
    var points = [Float]()
    points.reserveCapacity(rays * samples * 3)
    for _ in 0..<rays {
        // A chord of the unit cube from a random point towards a random point of the opposite half.
        let start = generator.uniforms(3), end = generator.uniforms(3).map { 1 - $0 * 0.5 }
        for s in 0..<samples {
            let t = Float(s) / Float(samples - 1)
            for a in 0..<3 { points.append(start[a] + t * (end[a] - start[a])) }
        }
    }
    let positions = Tensor(shape: [rays * samples, 3], scalars: points)
    let seed = generator.normals(rays * samples * encoding.configuration.outputDimension)
    let (forward, forwardCPU) = bestTimes { _ = withoutGrad { encoding(positions) } }
    let (both, bothCPU) = bestTimes {
        encoding.params.zeroGrad()
        encoding(positions).backward(seed: seed)
    }
    let count = Double(rays * samples)
    report("hash grid forward (196k points on rays)", String(format: "%.2f M points/s", count / forward / 1e6),
           ratio: count / forward / 0.08e6, to: "pure-PyTorch CPU (0.08 M/s)", cpu: forwardCPU)
    report("hash grid forward+backward", String(format: "%.2f M points/s", count / both / 1e6),
           ratio: count / both / 10e6, to: "target 10 M points/s", cpu: bothCPU)
}
