// The renderer as a whole: empty space is skipped, seeds repeat bit for bit, and it can fit a scene.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DScene

@Suite struct RendererBehaviourTests {
    @Test func occupancyGridSkipsEmptySpace() {
        // The initial field is the blob: dense within ~0.5 of the origin, σ·δ ≪ 0.01 beyond ~0.6.
        var generator = SeededGenerator(seed: 1)
        let renderer = VolumeRenderer(field: NeRFField(generator: &generator))
        let camera = Camera(elevation: 10, azimuth: 30, distance: 2, fovy: 60 * .pi / 180, width: 16, height: 16)
        let rays = camera.rays()
        let before = renderer.marcher.march(rays, occupancy: renderer.occupancy)
        renderer.updateOccupancy(using: &generator)
        #expect(renderer.occupancy.occupiedFraction < 0.2)
        let after = renderer.marcher.march(rays, occupancy: renderer.occupancy)
        #expect(after.count < before.count / 3)
        // Rays that pass at least 0.75 from the origin (all through empty cells) get no samples at all, so
        // the field's networks are not evaluated for them.
        for r in 0..<rays.count {
            let o = SIMD3(rays.origins[3 * r], rays.origins[3 * r + 1], rays.origins[3 * r + 2])
            let d = SIMD3(rays.directions[3 * r], rays.directions[3 * r + 1], rays.directions[3 * r + 2])
            let closest = o - (o * d).sum() * d
            if (closest * closest).sum().squareRoot() > 0.75 { #expect(after.rayStarts[r] == after.rayStarts[r + 1]) }
        }
        // And the render evaluates the networks only on the surviving samples.
        let render = renderer.render(camera, shading: .albedo, lighting: Lighting(position: camera.position), background: .solid(.one), using: &generator)
        #expect(render.marchedSampleCount == after.count || render.marchedSampleCount < before.count / 3)
        #expect(render.samples.count <= render.marchedSampleCount)
    }

    @Test func raysMarchedInParallelChunksKeepTheirOrder() {
        // 4096 rays are marched as 16 chunks and joined: each ray's samples are those it gets alone.
        var generator = SeededGenerator(seed: 5)
        let renderer = VolumeRenderer(field: NeRFField(generator: &generator))
        renderer.updateOccupancy(using: &generator)
        let rays = Camera(elevation: 20, azimuth: 40, distance: 2.5, fovy: 50 * .pi / 180, width: 64, height: 64).rays()
        let offsets = generator.uniforms(rays.count)
        let all = renderer.marcher.march(rays, occupancy: renderer.occupancy, offsets: offsets)
        #expect(all.rayCount == rays.count && all.count > 0)
        for r in stride(from: 0, to: rays.count, by: 61) {
            let ray = Rays(origins: Array(rays.origins[(3 * r)..<(3 * r + 3)]), directions: Array(rays.directions[(3 * r)..<(3 * r + 3)]))
            let alone = renderer.marcher.march(ray, occupancy: renderer.occupancy, offsets: [offsets[r]])
            let range = all.rayStarts[r]..<all.rayStarts[r + 1]
            #expect(Array(all.t[range]) == alone.t)
            #expect(Array(all.points[(3 * range.lowerBound)..<(3 * range.upperBound)]) == alone.points)
        }
    }

    @Test func earlyTerminationKeepsRayPrefixesWithTheirEncoding() {
        // A dense blob (σ up to 100, radius 0.9) stops most rays within a few samples. Each ray keeps a
        // prefix of its samples, and the encoding handed on for them (feature-major, copied out of the
        // encoding of every marched sample) is that of the kept points, bit for bit.
        var configuration = NeRFFieldConfiguration()
        configuration.blobScale = 100
        configuration.blobRadius = 0.9
        var generator = SeededGenerator(seed: 6)
        let renderer = VolumeRenderer(field: NeRFField(configuration, generator: &generator))
        let rays = Camera(elevation: 20, azimuth: 40, distance: 2, fovy: 50 * .pi / 180, width: 16, height: 16).rays()
        let marched = renderer.marcher.march(rays, occupancy: renderer.occupancy)
        let (kept, encoded) = renderer.terminatedEarly(marched)
        var stopped = 0
        for r in 0..<rays.count {
            let keptRange = kept.rayStarts[r]..<kept.rayStarts[r + 1], start = marched.rayStarts[r]
            #expect(Array(kept.t[keptRange]) == Array(marched.t[start..<(start + keptRange.count)]))
            if keptRange.count < marched.rayStarts[r + 1] - start { stopped += 1 }
        }
        #expect(stopped > 128 && kept.count > 0, "\(stopped) of \(rays.count) rays stopped early; \(kept.count) of \(marched.count) samples kept")
        let positions = Tensor(shape: [kept.count, 3], scalars: kept.points.map { ($0 + configuration.radius) / (2 * configuration.radius) })
        let same = encoded == renderer.field.encoding.encode(positions)
        #expect(same, "the kept samples' encoding differs from encoding the kept points")
    }

    @Test func backgroundsFillWhatTheObjectLeaves() {
        // A field that is empty beyond 0.02 of the origin (blob 40·(1 − r/0.01) ≤ −40 there): every
        // pixel of a 4×4 view, whose rays all pass farther from the origin, shows the background.
        var generator = SeededGenerator(seed: 2)
        var configuration = NeRFFieldConfiguration()
        configuration.blobScale = 40
        configuration.blobRadius = 0.01
        let renderer = VolumeRenderer(field: NeRFField(configuration, generator: &generator))
        let camera = Camera(elevation: 0, azimuth: 0, distance: 2, fovy: 0.8, width: 4, height: 4)
        let lighting = Lighting(position: camera.position)
        var first = generator, second = generator
        let a = Background.randomSolid(using: &first), b = Background.randomSolid(using: &second)
        guard case let .solid(colour) = a, case let .solid(again) = b else { Issue.record("not solid"); return }
        #expect(colour == again)
        let image = renderer.render(camera, shading: .albedo, lighting: lighting, background: a, using: &generator).image
        for channel in 0..<3 {
            #expect(image.scalars[(channel * 16)..<((channel + 1) * 16)].allSatisfy { abs($0 - colour[channel]) < 1e-3 })
        }
    }

    @Test func sameSeedSameRenderAndGradients() {
        func run() -> [Float] {
            var generator = SeededGenerator(seed: 42)
            let field = NeRFField(generator: &generator)
            let renderer = VolumeRenderer(field: field)
            renderer.updateOccupancy(using: &generator)
            let camera = CameraSampler().sample(using: &generator)
            let lighting = Lighting.random(around: camera, using: &generator)
            let render = renderer.render(camera, shading: .lambertian, lighting: lighting, background: .solid(SIMD3(0.5, 0.5, 0.5)), using: &generator)
            render.image.backward(seed: generator.normals(render.image.count))
            return render.image.scalars + field.densityNetwork.weights[0].gradScalars + Array(field.encoding.params.gradScalars.prefix(200_000))
        }
        let first = run(), second = run()
        #expect(first == second)
        #expect(first.contains { $0 != 0 })
    }

    @Test func fitsAnAnalyticSceneFromItsRenders() throws {
        // A red capsule standing on a blue box, seen by 16 training cameras around it; after fitting,
        // 4 held-out views (azimuths between the training ones) must reach ≥ 24 dB PSNR.
        let scene = AnalyticScene([
            ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.35, 0.35, 0.12), rounding: 0.03), at: SIMD3(0, 0, -0.3), color: SIMD3(0.15, 0.3, 0.85)),
            ColoredPrimitive(.capsule(a: SIMD3(0, 0, -0.1), b: SIMD3(0, 0, 0.3), radius: 0.15), color: SIMD3(0.85, 0.2, 0.15)),
        ])
        var sampler = CameraSampler()
        sampler.width = 32
        sampler.height = 32
        let white = SIMD3<Float>(1, 1, 1), lighting = Lighting(position: SIMD3(0, 0, 3))
        let training = (0..<16).map { i in Camera(elevation: i % 2 == 0 ? 15 : 35, azimuth: Float(i) * 22.5, distance: 1.8,
                                                   fovy: 50 * .pi / 180, width: 32, height: 32) }
        let heldOut = (0..<4).map { i in Camera(elevation: 25, azimuth: 11.25 + Float(i) * 90, distance: 1.8,
                                                 fovy: 50 * .pi / 180, width: 32, height: 32) }
        let tracer = SphereTracer()
        let targets = training.map { tracer.render(scene, camera: $0, lighting: lighting, mode: .albedo, background: white, supersampling: 2).image }

        var configuration = NeRFFieldConfiguration()
        configuration.encoding.levels = 12
        configuration.encoding.log2TableSize = 16
        var generator = SeededGenerator(seed: 7)
        let field = NeRFField(configuration, generator: &generator)
        let renderer = VolumeRenderer(field: field, marcher: { var m = RayMarcher(); m.samplesPerRay = 96; return m }())
        let adam = Adam(groups: [
            ParameterGroup(name: "encoding", parameters: [field.encoding.params], learningRate: 1e-2),
            ParameterGroup(name: "networks", parameters: (field.densityNetwork.weights + field.featureNetwork.weights), learningRate: 1e-2),
        ], beta2: 0.99, epsilon: 1e-15)
        for step in 0..<600 {
            if step % 16 == 0 { renderer.updateOccupancy(using: &generator) }
            adam.zeroGrad()
            let view = Int(generator.next() % 16)
            let render = renderer.render(training[view], shading: .albedo, lighting: lighting, background: .solid(white), using: &generator)
            Tensor.mseLoss(render.image.reshaped([3, 32, 32]), targets[view]).backward()
            adam.step()
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var psnrs: [Double] = []
        for (i, camera) in heldOut.enumerated() {
            let truth = tracer.render(scene, camera: camera, lighting: lighting, mode: .albedo, background: white, supersampling: 2).image
            let render = withoutGrad { renderer.render(camera, shading: .albedo, lighting: lighting, background: .solid(white), jitter: false, using: &generator) }
            let predicted = render.image.reshaped([3, 32, 32])
            let mse = Double(Tensor.mseLoss(predicted, truth).item)
            psnrs.append(10 * log10(1 / mse))
            try writePNG(imageGrid([truth, predicted.clamped(0, 1)], columns: 2), to: folder.appendingPathComponent("heldout-\(i).png"))
        }
        #expect(psnrs.allSatisfy { $0 >= 24 }, "held-out PSNR \(psnrs.map { String(format: "%.1f", $0) }) dB")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 4)
    }
}
