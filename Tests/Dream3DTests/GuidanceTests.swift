// The guidance estimators against closed forms.
import Foundation
import Testing
import Dream3DCore
import Dream3DModels
import Dream3DScene
@testable import Dream3D

@Suite struct GuidanceTests {
    @Test func perturbAndAverageScoringMatchesTheGaussianClosedForm() {
        // Data N(μ, s²I): the optimal denoiser is D(x, σ) = μ + s²/(s² + σ²)·(x − μ), so
        // E_n[(D(y + σn, σ) − y)/σ²] = −(y − μ)/(s² + σ²) exactly. The estimator's mean over 20 000 draws
        // must match it within 4 standard errors (per draw the error is σ·s²/(s² + σ²)·n/σ²).
        let mu: [Float] = [0.3, -0.5, 0.1], s: Float = 0.4, sigma: Float = 0.7
        let y: [Float] = [1.2, 0.4, -0.9]
        let shrink = s * s / (s * s + sigma * sigma)
        var generator = SeededGenerator(seed: 21)
        let estimate = ScoreJacobianChaining.perturbAndAverage(y, sigma: sigma, samples: 20_000, denoiser: { x in
            (0..<3).map { mu[$0] + shrink * (x[$0] - mu[$0]) }
        }, using: &generator).map { $0 / (sigma * sigma) }
        let exact = (0..<3).map { -(y[$0] - mu[$0]) / (s * s + sigma * sigma) }
        let standardError = shrink / sigma / Float(20_000).squareRoot()
        for i in 0..<3 { #expect(abs(estimate[i] - exact[i]) < 4 * standardError, "PAAS[\(i)] \(estimate[i]) vs \(exact[i])") }
    }

    @Test func sdsAndSJCPointTowardTheReference() {
        // With the analytic prior of one reference image the ideal update moves the render toward it:
        // both gradients (on the render as the prior sees it, 2r − 1) must correlate positively with
        // (render − reference).
        let size = 8, reference = (0..<(3 * size * size)).map { Float($0 % 7) / 6 }
        let schedule = NoiseSchedule(betas: [Float](repeating: 0.02, count: 100))
        let prior = AnalyticPrior(schedule: schedule, imageSize: size) { _ in
            Tensor(shape: [1, 3, size, size], scalars: reference.map { 2 * $0 - 1 })
        }
        let render = Tensor(shape: [1, 3, size, size], scalars: reference.indices.map { Float(($0 * 5) % 11) / 10 })
        let camera = Camera(elevation: 0, azimuth: 0, distance: 2, fovy: 1, width: size, height: size)
        var generator = SeededGenerator(seed: 4)
        var sjc = ScoreJacobianChaining()
        sjc.guidanceScale = 1
        var sds = ScoreDistillation()
        sds.guidanceScale = 1
        let x = prior.encodeRenders(render)
        for _ in 0..<10 {
            let (a, _) = sds.imageGradient(x, cameras: [camera], prompt: "", prior: prior, using: &generator)
            let (b, _) = sjc.imageGradient(x, cameras: [camera], prompt: "", prior: prior, using: &generator)
            let toward = render.scalars.indices.map { render.scalars[$0] - reference[$0] }
            #expect(zip(a, toward).reduce(0) { $0 + $1.0 * $1.1 } > 0)
            #expect(zip(b, toward).reduce(0) { $0 + $1.0 * $1.1 } > 0)
        }
    }
}
