// RenderBench.swift — one 64×64 render of the default field (threestudio's implicit-volume settings,
// 128 steps across the box, occupancy grid, early termination) from a DreamFusion random camera,
// unshaded and shaded (lambertian, so normals are evaluated: by finite differences, the default, and
// analytically). Target (issue 3): forward+backward ≤ 40 ms. The last two rows render the field the
// default recipe trains (TrainingConfiguration.field: 8 levels of 2^16 entries), albedo and shaded.
import Dream3D
import Dream3DCore
import Dream3DScene

func benchRender() {
    let recipe = TrainingConfiguration().field
    let cases: [(ShadingMode, NormalEstimate, NeRFFieldConfiguration?)] = [
        (.albedo, .finiteDifference, nil), (.lambertian, .finiteDifference, nil), (.lambertian, .analytic, nil),
        (.albedo, recipe.normals, recipe), (.lambertian, recipe.normals, recipe),
    ]
    for (shading, normals, recipeField) in cases {
        var generator = SeededGenerator(seed: 3)
        var configuration = recipeField ?? NeRFFieldConfiguration()
        configuration.normals = normals
        let field = NeRFField(configuration, generator: &generator)
        let renderer = VolumeRenderer(field: field)
        renderer.updateOccupancy(using: &generator)
        let camera = CameraSampler().sample(using: &generator)
        let lighting = Lighting.random(around: camera, using: &generator)
        let background = Background.solid(SIMD3(0.5, 0.5, 0.5))
        let name = (recipeField == nil ? "" : "recipe field, ") + (shading == .albedo ? shading.rawValue : "\(shading.rawValue), \(normals.rawValue) normals")
        var samples = (marched: 0, evaluated: 0)
        let (forward, forwardCPU) = bestTimes {
            var g = generator
            let render = withoutGrad { renderer.render(camera, shading: shading, lighting: lighting, background: background, using: &g) }
            samples = (render.marchedSampleCount, render.samples.count)
        }
        let seed = generator.normals(3 * 64 * 64)
        let (both, bothCPU) = bestTimes {
            var g = generator
            field.parameters.forEach { $0.tensor.zeroGrad() }
            renderer.render(camera, shading: shading, lighting: lighting, background: background, using: &g).image.backward(seed: seed)
        }
        report("render 64² \(name) forward (\(samples.evaluated) of \(samples.marched) samples)",
               String(format: "%.1f ms", forward * 1e3), ratio: forward / 0.040, to: "40 ms", cpu: forwardCPU)
        report("render 64² \(name) forward+backward", String(format: "%.1f ms", both * 1e3), ratio: both / 0.040, to: "budget 40 ms", cpu: bothCPU)
    }
}
