// Issue 9's multi-view prior: a 2×2 tile of four views of one object 90° apart. Training batches are
// tiles of the dataset's multi-view groups; each view's Plücker rays fill its quarter of the ray
// channels; a tiled prior exports and reloads as tiled; and multi-view SDS renders the four views, tiles
// them on the tape and sends each quarter's gradient to its own view.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
import Dream3DShapes
@testable import Dream3D

/// The tiny prior configuration (16² views) tiled: a 32² U-Net over 2×2 tiles.
func tinyTiledPriorTrainer(seed: UInt64) throws -> PriorTrainer {
    var configuration = try tinyPriorConfiguration()
    configuration.tile()
    return try makePriorTrainer(configuration, seed: seed)
}

/// The analytic prior judging 2×2 tiles: each quarter denoised exactly toward its own view's reference.
struct TiledAnalyticPrior: DiffusionPrior {
    let perView: AnalyticPrior
    var schedule: NoiseSchedule { perView.schedule }
    var imageSize: Int { perView.imageSize }
    var viewsPerSample: Int { 4 }

    func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor {
        let s = imageSize
        let quarters = untileViews(z.reshaped([3, 2 * s, 2 * s]))
        let noise = zip(quarters, cameras).map { quarter, camera in
            perView.predictNoise(quarter.reshaped([1, 3, s, s]), timestep: t, prompt: prompt, cameras: [camera], guidanceScale: guidanceScale)
                .reshaped([3, s, s])
        }
        return tileViews(noise).reshaped([1, 3, 2 * s, 2 * s])
    }
}

/// 60 SDS steps toward an analytic prior's references: a small field, albedo on white, CFG 1, t in
/// 0.3–0.6, the camera at azimuth 0 and elevation 10° (multi-view priors turn it for their other views).
func referenceFitConfiguration() -> TrainingConfiguration {
    var configuration = TrainingConfiguration()
    configuration.steps = 60
    configuration.seed = 1
    configuration.field.encoding.levels = 8
    configuration.field.encoding.log2TableSize = 14
    configuration.albedoOnlySteps = configuration.steps
    configuration.background = "white"
    configuration.networkLearningRate = 0.01
    configuration.sds.guidanceScale = 1
    configuration.sds.tRange = 0.3...0.6
    configuration.annealedTMax = configuration.sds.tRange.upperBound
    configuration.cameras.elevationRange = 10...10
    configuration.cameras.azimuthRange = 0...0
    return configuration
}

@Suite struct MultiViewPriorTests {
    @Test func tiledBatchesAreTilesOfOneObjectsFourViews() throws {
        let trainer = try tinyTiledPriorTrainer(seed: 3)
        let c = trainer.model.configuration
        #expect(c.imageSize == 32 && c.viewSize == 16 && c.unet.sampleSize == 32 && trainer.dataset.settings.groupViews == 4)
        trainer.step = 1
        let batch = trainer.nextBatch(), b = c.batchSize
        let groups = trainer.dataset.groups(b..<(2 * b))
        #expect(batch.images == groups.flatMap { tileViews($0.map(\.image)).scalars })
        #expect(batch.conditions.captions == groups.map { $0[0].caption })
        #expect(batch.conditions.cameras == groups.flatMap { $0.map(\.camera) })
        #expect(batch.timesteps.count == b && batch.noise.count == b * 3 * 32 * 32 && batch.conditions.keepCamera.count == b)
        // Four views of one instance, a quarter turn apart.
        for group in groups {
            #expect(Set(group.map(\.instance.values)).count == 1)
            let turns = group.map { ($0.camera.azimuth - group[0].camera.azimuth + 360).truncatingRemainder(dividingBy: 360) }
            #expect(zip(turns, [0, 90, 180, 270]).allSatisfy { abs($0 - $1) < 1e-3 })
        }
        // Seeded and finite, as single-view training.
        let first = try tinyTiledPriorTrainer(seed: 3), second = try tinyTiledPriorTrainer(seed: 3)
        let losses = [first.trainStep(), first.trainStep()]
        #expect(losses == [second.trainStep(), second.trainStep()] && losses.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test func eachViewsRaysFillItsQuarterAndTheClassLabelsAreViewZeros() throws {
        let model = try tinyTiledPriorTrainer(seed: 1).model
        let views = (0..<4).map { Camera(elevation: 20, azimuth: -30 + 90 * Float($0), distance: 1.8, fovy: 45 * .pi / 180, width: 64, height: 64) }
        let conditions = PriorConditions(captions: ["a red chair"], cameras: views)
        let input = model.unetInput(Tensor(shape: [1, 3, 32, 32], scalars: [Float](repeating: 0.5, count: 3 * 32 * 32)), conditions: conditions)
        #expect(input.shape == [1, 9, 32, 32])
        let rays = untileViews(Tensor(shape: [6, 32, 32], scalars: Array(input.scalars[(3 * 32 * 32)...])))
        for k in 0..<4 { #expect(rays[k].scalars == pluckerRays(views[k].withSize(16)).scalars) }
        #expect(model.classLabels(conditions).scalars == BuiltInPriorModel.cameraNumbers(views[0]))
        // A dropped camera is zeros in every quarter.
        let dropped = model.unetInput(Tensor(shape: [1, 3, 32, 32], scalars: [Float](repeating: 0, count: 3 * 32 * 32)),
                                      conditions: PriorConditions(captions: ["a red chair"], cameras: views, keepCamera: [false]))
        #expect(dropped.scalars.allSatisfy { $0 == 0 })
    }

    @Test func aTiledPriorExportsAndReloadsTiled() throws {
        let trainer = try tinyTiledPriorTrainer(seed: 2)
        trainer.trainStep()
        let check = priorCheckInput(trainer.model, dataset: trainer.dataset)
        #expect(check.z.shape == [4, 3, 32, 32] && check.conditions.cameras.count == 16)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dream3d-export-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try exportBuiltInPrior(trainer.model, trainingStep: 1, to: folder, check: check, unetWeights: .f32)
        let loaded = try loadBuiltInPrior(diffusersFolder: folder)
        #expect(loaded.configuration.tiledViews == 4 && loaded.imageSize == 16 && loaded.viewsPerSample == 4)
        let output = { (m: BuiltInPriorModel) in withoutGrad { m(check.z, timesteps: check.timesteps, conditions: check.conditions).scalars } }
        #expect(output(loaded) == output(trainer.model))
    }

    @Test func aTiledPriorSamplesAndClassifiesWholeTiles() throws {
        let trainer = try tinyTiledPriorTrainer(seed: 5)
        let camera = Camera(elevation: 15, azimuth: 0, distance: 1.75, fovy: 45 * .pi / 180, width: 16, height: 16)
        let sample = try samplePrior(trainer.model, prompts: ["a red chair"], cameras: [camera], steps: 2)
        #expect(sample.shape == [1, 3, 32, 32] && sample.scalars.allSatisfy { (0...1).contains($0) })
        let result = zeroShotClassification(trainer.model, dataset: trainer.dataset, count: 2, timesteps: [500])
        #expect(result.labels == [0, 1].map { trainer.dataset.group(heldOutIndex + $0)[0].familyIndex })
        #expect(result.errors.allSatisfy { $0.count == 1 && $0[0].count == trainer.dataset.library.families.count && $0[0].allSatisfy(\.isFinite) })
    }

    @Test func tilingOnTheTapeMatchesTileViewsAndRoutesEachQuartersGradient() {
        var generator = SeededGenerator(seed: 4)
        let views = (0..<4).map { _ in Tensor(shape: [1, 3, 4, 4], scalars: generator.normals(48)).requiringGrad() }
        let tile = tileViewsOnTape(views)
        #expect(tile.shape == [1, 3, 8, 8])
        #expect(tile.scalars == tileViews(views.map { $0.reshaped([3, 4, 4]) }).scalars)
        let seed = generator.normals(tile.count)
        tile.backward(seed: seed)
        let quarters = untileViews(Tensor(shape: [3, 8, 8], scalars: seed))
        for k in 0..<4 { #expect(views[k].gradScalars == quarters[k].scalars) }
    }

    /// Multi-view SDS with the exact denoiser of each view's reference: every view must move toward its
    /// own reference and not toward its neighbour's — which a tile whose quarters went to the wrong views,
    /// or a gradient that missed a view, would not do. The object turns: a bar along x with a ball at +x.
    @Test func multiViewSDSPullsEachViewTowardItsOwnReference() throws {
        let scene = AnalyticScene([
            ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.45, 0.12, 0.12), rounding: 0.03), color: SIMD3(0.15, 0.3, 0.85)),
            ColoredPrimitive(.sphere(radius: 0.22), at: SIMD3(0.45, 0, 0.15), color: SIMD3(0.85, 0.2, 0.15)),
        ])
        let tracer = SphereTracer(), white = SIMD3<Float>(1, 1, 1)
        func reference(_ camera: Camera) -> Tensor {
            let image = tracer.render(scene, camera: camera, lighting: Lighting(position: camera.position), mode: .albedo, background: white).image
            return Tensor(shape: [1] + image.shape, scalars: image.scalars.map { 2 * $0 - 1 })
        }
        let schedule = NoiseSchedule(BuiltInPriorConfiguration().scheduler)
        let prior = TiledAnalyticPrior(perView: AnalyticPrior(schedule: schedule, imageSize: 16, references: reference))
        let configuration = referenceFitConfiguration()
        let trainer = try Trainer(prompt: "reference", prior: prior, configuration: configuration)
        for _ in 0..<configuration.steps { trainer.trainStep() }
        var generator = SeededGenerator(seed: 0)
        let views = (0..<4).map { Camera(elevation: 10, azimuth: 90 * Float($0), distance: 1.75, fovy: 45 * .pi / 180, width: 16, height: 16) }
        func distance(_ a: Tensor, _ b: Tensor) -> Float { zip(a.scalars, b.scalars).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
        for k in 0..<4 {
            let render = withoutGrad {
                trainer.renderer.render(views[k], shading: .albedo, lighting: Lighting(position: views[k].position), background: .solid(white),
                                        jitter: false, using: &generator).image * 2 - 1
            }
            let own = distance(render, reference(views[k])), neighbour = distance(render, reference(views[(k + 1) % 4]))
            #expect(own < 0.6 * neighbour, "view \(k): \(own) to its reference, \(neighbour) to the next view's")
        }
    }

    @Test func firstViewIndicesAreViewZerosQuarter() {
        let views = (0..<4).map { k in Tensor(shape: [2, 3, 3], scalars: [Float](repeating: k == 0 ? 1 : 0, count: 18)) }
        let tile = tileViews(views)
        let indices = firstViewIndices(tileShape: [1, 2, 6, 6])
        #expect(indices.count == 18 && Set(indices) == Set(tile.scalars.indices.filter { tile.scalars[$0] == 1 }))
    }

    /// A clean first view: the loss ignores the noise drawn for it (the view enters as x₀) and its pixels,
    /// and still depends on the other views' noise; with no clean view it is the plain loss.
    @Test func aCleanFirstViewEntersUnnoisedAndLeavesTheLoss() throws {
        let trainer = try tinyTiledPriorTrainer(seed: 6)
        let batch = trainer.nextBatch(), model = trainer.model, b = batch.timesteps.count, pixels = 3 * 32 * 32
        func loss(_ noise: [Float], clean: [Bool]?) -> Float {
            withoutGrad { model.weightedLoss(batch.images, timesteps: batch.timesteps, noise: noise, conditions: batch.conditions, cleanFirstView: clean).item }
        }
        let quarter = firstViewIndices(tileShape: [1, 3, 32, 32]), clean = [Bool](repeating: true, count: b)
        var firstViewNoise = batch.noise, otherNoise = batch.noise
        for i in 0..<b {
            for j in quarter { firstViewNoise[i * pixels + j] += 1 }
            otherNoise[i * pixels + pixels - 1] += 1                            // the last pixel: view 3's
        }
        #expect(loss(firstViewNoise, clean: clean) == loss(batch.noise, clean: clean))
        #expect(loss(otherNoise, clean: clean) != loss(batch.noise, clean: clean))
        #expect(loss(batch.noise, clean: [Bool](repeating: false, count: b)) == loss(batch.noise, clean: nil))
        #expect(batch.cleanFirstView == nil)
        var configuration = model.configuration
        configuration.cleanFirstViewShare = 0.5
        let vocabulary = PromptGrammar(library: trainer.dataset.library).vocabulary
        let sharing = PriorTrainer(model: try BuiltInPriorModel(configuration, vocabulary: vocabulary, seed: 6), dataset: trainer.dataset, seed: 6)
        let flags = (0..<4).flatMap { step -> [Bool] in sharing.step = step; return sharing.nextBatch().cleanFirstView ?? [] }
        #expect(flags.count == 4 * b && Set(flags).count == 2)
    }

    /// SDS asking for the other views of a clean first render: the prior sees the render itself in view
    /// 0's quarter, and that quarter gets no gradient.
    @Test func sdsWithACleanFirstViewKeepsItAndGuidesTheOthers() {
        final class Recorder: DiffusionPrior {
            let schedule = NoiseSchedule(BuiltInPriorConfiguration().scheduler)
            var imageSize: Int { 4 }
            var viewsPerSample: Int { 4 }
            var seen: Tensor?
            func predictNoise(_ z: Tensor, timestep t: Int, prompt: String, cameras: [Camera], guidanceScale: Float) -> Tensor {
                seen = z
                return z * 0.5
            }
        }
        let prior = Recorder()
        var generator = SeededGenerator(seed: 7)
        let x = Tensor(shape: [1, 3, 8, 8], scalars: generator.uniforms(192, in: -1...1))
        var sds = ScoreDistillation()
        sds.cleanFirstViewProbability = 1
        let (gradient, _) = sds.imageGradient(x, cameras: [], prompt: "", prior: prior, using: &generator)
        let quarter = Set(firstViewIndices(tileShape: x.shape))
        #expect(quarter.allSatisfy { gradient[$0] == 0 && prior.seen!.scalars[$0] == x.scalars[$0] })
        #expect(x.scalars.indices.filter { !quarter.contains($0) }.allSatisfy { gradient[$0] != 0 && prior.seen!.scalars[$0] != x.scalars[$0] })
    }

    /// The sensitivity's true-tile error is the plain ε error on the held-out group's tile under its cameras,
    /// and its margins are the relative rises over it.
    @Test func multiViewSensitivityScoresTheHeldOutTiles() throws {
        let trainer = try tinyTiledPriorTrainer(seed: 8)
        trainer.trainStep()
        let model = trainer.model, dataset = trainer.dataset
        let s = multiViewSensitivity(model, dataset: dataset, count: 2, timesteps: [600])
        let groups = [dataset.group(heldOutIndex), dataset.group(heldOutIndex + 1)]
        var generator = SeededGenerator(seed: 0).split("multi-view sensitivity")
        let noise = generator.normals(2 * 3 * 32 * 32)
        let z = model.noisedImages(groups.flatMap { tileViews($0.map(\.image)).scalars }, timesteps: [600, 600], noise: noise)
        let conditions = PriorConditions(captions: groups.map { $0[0].caption }, cameras: groups.flatMap { $0.map(\.camera) })
        let predicted = withoutGrad { model.predictNoise(Tensor(shape: [2, 3, 32, 32], scalars: z), timesteps: [600, 600], conditions: conditions) }
        let expected = zip(predicted.scalars, noise).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +) / Double(noise.count)
        #expect(abs(Double(s.trueTile[0]) - expected) <= 1e-6 * expected)
        #expect(s.margin(s.copies) == (s.copies[0] - s.trueTile[0]) / s.trueTile[0])
        #expect([s.turned90, s.turned180, s.copies, s.cleanFirstTrue, s.cleanFirstCopies].allSatisfy { $0.count == 1 && $0[0].isFinite && $0[0] > 0 })
        // Restricted to families, the held-out groups are of those families: each group's own, drawn apart
        // from the single example at the same index.
        let turning = Set(try ["duck", "mug"].map { try dataset.library.familyIndex(named: $0) })
        let chosen = heldOutGroupSetups(dataset, count: 4, families: turning)
        #expect(chosen.count == 4 && chosen.allSatisfy { turning.contains($0[0].familyIndex) && $0.count == 4 })
    }
}
