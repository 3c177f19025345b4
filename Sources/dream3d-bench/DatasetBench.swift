// DatasetBench.swift — training-set rendering speed (issue 6): 32² images traced at 64² and pooled,
// random families, cameras, lights and backgrounds, both cores. Reference: the PyTorch feasibility
// probe's 150 images/s on this machine (DESIGN.md §9). Also the same images through Dream3DScene's
// reference SphereTracer, to show what the dataset tracer's skipping buys.
import Dream3DCore
import Dream3DScene
import Dream3DShapes
import Foundation

func benchDataset() {
    let library: ShapeLibrary
    do { library = try ShapeLibrary.load() } catch { print("dataset: \(error)"); return }
    let renderer = DatasetRenderer(library: library, seed: 1)
    let count = 256
    let single = bestTime(runs: 3) { _ = renderer.examples(0..<count) }
    report("dataset 32² (64² pooled) images", String(format: "%.0f images/s", Double(count) / single), ratio: Double(count) / single / 150,
           to: "probe 150/s")
    let groups = count / renderer.settings.groupViews
    let grouped = bestTime(runs: 3) { _ = renderer.groups(0..<groups) }
    report("dataset 4-view groups", String(format: "%.0f views/s", Double(groups * 4) / grouped), ratio: Double(groups * 4) / grouped / 150,
           to: "probe 150/s")
    // The reference tracer on the first 32 setups, parallel over images the same way.
    let setups = (0..<32).map(renderer.setup)
    let reference = bestTime(runs: 1) {
        parallelFor(setups.count) { i in
            let s = setups[i]
            _ = SphereTracer().render(s.instance.scene, camera: s.camera, lighting: s.lighting, mode: s.shading, background: s.background,
                                      supersampling: 2)
        }
    }
    let fast = bestTime(runs: 3) { _ = renderer.render(setups) }
    report("dataset tracer vs SphereTracer (32 images)", String(format: "%.1f ms vs %.1f", fast * 1e3, reference * 1e3),
           ratio: fast / reference, to: "SphereTracer")
}
