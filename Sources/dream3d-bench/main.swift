// dream3d-bench — prints each performance figure of DESIGN.md §7 with its ratio to a peer or to the
// machine's measured GEMM peak. Run with `make bench`; `dream3d-bench conv hash` runs only the named
// sections (gemm, conv, hash, render, mesh, dataset, unet, sds, vsd, sd). Figures are best-of-5 wall-clock times after a warm-up.
// `--set key=value` (as `dream3d generate --set`) changes the recipe the sds section measures, e.g.
// `dream3d-bench sds --set field.encoding.levels=8` to weigh a setting's cost before changing a default.
import Dream3DCore
import Foundation

var requested: [String] = [], recipeOverrides: [String] = []
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--set", let override = arguments.popFirst() { recipeOverrides.append(override) } else { requested.append(argument) }
}
let sections: [(name: String, run: () -> Void)] = [
    ("gemm", { report("sgemm 1536³ (OpenBLAS)", String(format: "%.1f GFLOP/s", sgemmPeak), ratio: 1, to: "sgemm peak") }),
    ("conv", { benchConvolution(peak: sgemmPeak) }),
    ("hash", benchHashGrid),
    ("render", benchRender),
    ("mesh", benchMarchingCubes),
    ("dataset", benchDataset),
    ("unet", benchUNet),
    ("sds", { [recipeOverrides] in benchDistillation(overrides: recipeOverrides) }),
    ("vsd", benchVSD),
    ("sd", benchStableDiffusion),
]
if let unknown = requested.first(where: { name in !sections.contains { $0.name == name } }) {
    print("dream3d-bench: unknown section \(unknown); sections: \(sections.map(\.name).joined(separator: ", "))")
    exit(2)
}
print("dream3d-bench \(dream3dVersion) on \(workerCount) cores")
for section in sections where requested.isEmpty || requested.contains(section.name) { section.run() }
