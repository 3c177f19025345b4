// SchedulerTests.swift — noise schedules and DDIM against diffusers (ddim_io / schedule_* fixtures).
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct SchedulerTests {
    @Test func betaSchedulesMatchDiffusers() throws {
        let sd = try DDIMScheduler(folder: fixtureURL("pipeline/scheduler"))
        let ac = Tensor(shape: [1000], scalars: sd.schedule.alphasCumprod)
        expectClose(ac, try fixtureFile("ddim_io.safetensors").tensor("alphas_cumprod"), atol: 2e-6, "scaled_linear ᾱ")
        for name in ["linear", "squaredcos_cap_v2"] {
            var c = SchedulerConfiguration()
            c.betaSchedule = name
            let s = NoiseSchedule(c)
            expectClose(Tensor(shape: [1000], scalars: s.alphasCumprod), try fixtureFile("schedule_\(name).safetensors").tensor("alphas_cumprod"),
                        atol: 2e-6, "\(name) ᾱ")
        }
    }

    @Test func timestepSpacingsMatchDiffusers() throws {
        // numbers from diffusers 0.42.1 DDIMScheduler(steps_offset=1).set_timesteps(4) and with the other spacings
        var c = SchedulerConfiguration()
        c.stepsOffset = 1
        #expect(try DDIMScheduler(c).timesteps(steps: 4) == [751, 501, 251, 1])
        c.timestepSpacing = "trailing"
        #expect(try DDIMScheduler(c).timesteps(steps: 4) == [999, 749, 499, 249])
        c.timestepSpacing = "linspace"
        #expect(try DDIMScheduler(c).timesteps(steps: 4) == [999, 666, 333, 0])
    }

    @Test func predictionConversionsInvertEachOther() {
        let s = NoiseSchedule(SchedulerConfiguration())
        var g = SeededGenerator(seed: 3)
        let x0 = Tensor.normal([8], using: &g), eps = Tensor.normal([8], using: &g), t = 600
        let z = s.addNoise(x0, noise: eps, t: t)
        for (type, output) in [("epsilon", eps), ("v_prediction", s.velocity(x0, noise: eps, t: t)), ("sample", x0)] {
            let (x, e) = s.predictions(output, sample: z, t: t, predictionType: type)
            expectClose(x, x0, atol: 1e-4, "\(type) x₀")
            expectClose(e, eps, atol: 1e-4, "\(type) ε")
        }
    }

    @Test func guidedDDIMWithFixtureUNetMatchesDiffusers() throws {
        let unet = try UNet2DConditionModel(folder: fixtureURL("pipeline/unet"))
        let ddim = try DDIMScheduler(folder: fixtureURL("pipeline/scheduler"))
        let f = try fixtureFile("ddim_io.safetensors")
        #expect(ddim.timesteps(steps: 4).map(Float.init) == (try f.tensor("timesteps")).scalars)
        let cond = try f.tensor("cond"), uncond = try f.tensor("uncond")
        let result = withoutGrad {
            ddim.sample(noise: try! f.tensor("noise"), steps: 4, guidanceScale: 7.5) { z, t in
                unet.guidedPredictions(z, timestep: t, cond: cond, uncond: uncond)
            }
        }
        expectClose(result, try f.tensor("result"), atol: 1e-4, rtol: 1e-4, "DDIM 4 steps, CFG 7.5")
    }

    @Test func vPredictionTrailingDDIMWithClassLabelsMatchesDiffusers() throws {
        // diffusers DDIMScheduler(scaled_linear, set_alpha_to_one, "trailing", v_prediction), 3 steps, CFG 3
        let unet = try UNet2DConditionModel(folder: fixtureURL("unet_sd2"))
        var c = SchedulerConfiguration()
        (c.betaSchedule, c.betaStart, c.betaEnd, c.clipSample) = ("scaled_linear", 0.00085, 0.012, false)
        (c.setAlphaToOne, c.timestepSpacing, c.predictionType) = (true, "trailing", "v_prediction")
        let ddim = try DDIMScheduler(c)
        let f = try fixtureFile("ddim_v_io.safetensors")
        #expect(ddim.timesteps(steps: 3).map(Float.init) == (try f.tensor("timesteps")).scalars)
        let cond = try f.tensor("cond"), uncond = try f.tensor("uncond"), labels = try f.tensor("class_labels")
        let result = withoutGrad {
            ddim.sample(noise: try! f.tensor("noise"), steps: 3, guidanceScale: 3) { z, t in
                unet.guidedPredictions(z, timestep: t, cond: cond, uncond: uncond, classLabels: labels)
            }
        }
        expectClose(result, try f.tensor("result"), atol: 1e-4, rtol: 1e-4, "DDIM v-prediction 3 steps, CFG 3")
    }
}
