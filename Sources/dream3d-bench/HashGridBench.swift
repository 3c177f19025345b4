// HashGridBench.swift — the hash encoding at its default size (16 levels × 2 features, 2^19 table) on
// points sorted along rays, as the renderer produces them: 4096 rays × 48 samples. Target (issue 3):
// forward+backward ≥ 10 M points/s on 2 cores; a pure-PyTorch CPU hash grid does about 0.08 M points/s.
// The same work on smaller tables (2^16: 512 KB of table and 512 KB of gradient a level; 2^14: 128 KB each)
// shows how much of the time is the memory hierarchy rather than the kernels' arithmetic: at 2^19 a hashed
// level's 4 MB table and 4 MB gradient miss the 1 MB L2 at nearly every corner. A last row bounds what
// those misses alone allow (HashGridMemoryCeiling.swift).
import Dream3DCore
import Dream3DScene

func benchHashGrid() {
    for log2TableSize in [19, 16, 14] { benchHashGrid(log2TableSize: log2TableSize) }
}

private func benchHashGrid(log2TableSize: Int) {
    var generator = SeededGenerator(seed: 2)
    var configuration = HashGridConfiguration()
    configuration.log2TableSize = log2TableSize
    let encoding = HashGridEncoding(configuration, generator: &generator)
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
    let count = Double(rays * samples), table = "2^\(log2TableSize)"
    report("hash grid \(table) forward (196k points on rays)", String(format: "%.2f M points/s", count / forward / 1e6),
           ratio: count / forward / 0.08e6, to: "pure-PyTorch CPU (0.08 M/s)", cpu: forwardCPU)
    report("hash grid \(table) forward+backward", String(format: "%.2f M points/s", count / both / 1e6),
           ratio: count / both / 10e6, to: "target 10 M points/s", cpu: bothCPU)
    if log2TableSize == 19 {
        let ceiling = hashGridMemoryCeiling(encoding)
        report("hash grid 2^19 fwd+bwd ceiling from cache misses alone", String(format: "%.2f M points/s", ceiling.pointsPerSecond / 1e6),
               ratio: count / both / ceiling.pointsPerSecond, to: "reached by the kernels")
        report("  random 8-byte reads / adds over 4 MB, per thread", String(format: "%.0f / %.0f M/s", ceiling.reads / 1e6, ceiling.updates / 1e6),
               ratio: 1, to: "what the ceiling is computed from")
    }
}
