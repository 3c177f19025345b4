// SDS end to end with the analytic prior (DESIGN.md §8): the exact denoiser of the ground-truth render
// from each camera. Distillation must then reconstruct the object.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
@testable import Dream3D

@Suite struct AnalyticDistillationTests {
    @Test func sdsReconstructsTheReferenceObject() throws {
        let scene = AnalyticScene([
            ColoredPrimitive(.roundedBox(halfSize: SIMD3(0.35, 0.35, 0.12), rounding: 0.03), at: SIMD3(0, 0, -0.3), color: SIMD3(0.15, 0.3, 0.85)),
            ColoredPrimitive(.capsule(a: SIMD3(0, 0, -0.1), b: SIMD3(0, 0, 0.3), radius: 0.15), color: SIMD3(0.85, 0.2, 0.15)),
        ])
        let tracer = SphereTracer(), white = SIMD3<Float>(1, 1, 1)
        let schedule = NoiseSchedule(betas: (0..<1000).map { i in      // SD's scaled_linear betas
            let s = (0.00085 as Float).squareRoot() + ((0.012 as Float).squareRoot() - (0.00085 as Float).squareRoot()) * Float(i) / 999
            return s * s
        })
        let prior = AnalyticPrior(schedule: schedule, imageSize: 32) { camera in
            let image = tracer.render(scene, camera: camera, lighting: Lighting(position: camera.position), mode: .albedo,
                                      background: white, supersampling: 2).image
            return Tensor(shape: [1] + image.shape, scalars: image.scalars.map { 2 * $0 - 1 })
        }
        var configuration = TrainingConfiguration()
        configuration.steps = 500
        configuration.seed = 3
        configuration.field.encoding.levels = 12
        configuration.field.encoding.log2TableSize = 16
        configuration.marcher.samplesPerRay = 96
        configuration.albedoOnlySteps = configuration.steps
        configuration.background = "white"
        configuration.networkLearningRate = 0.01
        configuration.sds.guidanceScale = 1
        configuration.annealedTMax = configuration.sds.tRange.upperBound
        let trainer = try Trainer(prompt: "reference", prior: prior, configuration: configuration)
        for _ in 0..<configuration.steps { trainer.trainStep() }

        // Occupancy IoU on a 64³ grid over [−1, 1]³: field density above 10 against the SDF below 0.
        let n = 64
        var points: [Float] = []
        for k in 0..<n { for j in 0..<n { for i in 0..<n {
            points += [(Float(i) + 0.5) / Float(n) * 2 - 1, (Float(j) + 0.5) / Float(n) * 2 - 1, (Float(k) + 0.5) / Float(n) * 2 - 1]
        } } }
        let density = withoutGrad { trainer.field.density(points).scalars }
        var intersection = 0, union = 0
        for p in 0..<(n * n * n) {
            let inside = scene.distanceAndColor(SIMD3(points[3 * p], points[3 * p + 1], points[3 * p + 2])).distance < 0
            let occupied = density[p] > 10
            if inside && occupied { intersection += 1 }
            if inside || occupied { union += 1 }
        }
        let iou = Double(intersection) / Double(union)
        #expect(iou >= 0.7, "occupancy IoU \(iou)")
        // The exported mesh is a closed surface.
        let mesh = try fieldMesh(trainer.field, options: .init(resolution: 96))
        #expect(mesh.triangleCount > 1000)
    }
}
