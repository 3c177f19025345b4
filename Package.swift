// swift-tools-version: 6.0
// dream3d — text to 3D by score distillation. Module map: ../shared/DESIGN.md §3.
import PackageDescription

let package = Package(
    name: "dream3d",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dream3d", targets: ["dream3d"]),
        .executable(name: "dream3d-bench", targets: ["dream3d-bench"]),
        .library(name: "Dream3DCore", targets: ["Dream3DCore"]),
        .library(name: "Dream3DModels", targets: ["Dream3DModels"]),
        .library(name: "Dream3DScene", targets: ["Dream3DScene"]),
        .library(name: "Dream3DMesh", targets: ["Dream3DMesh"]),
        .library(name: "Dream3DShapes", targets: ["Dream3DShapes"]),
        .library(name: "Dream3D", targets: ["Dream3D"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // System libraries (installed by scripts/install-deps.sh).
        .systemLibrary(name: "CBLAS", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", providers: [.apt(["libpng-dev"])]),
        // Compiler intrinsics Swift cannot spell (cache prefetch), inlined into Swift kernels, and the few
        // vector kernels that need AVX-512/AVX2 copies beside the baseline one (SoftmaxRow.c).
        .target(name: "CIntrinsics"),
        // Camera math over GLM behind a C API, so Swift never sees C++ templates.
        .target(name: "CGLM", cxxSettings: [.unsafeFlags(["-O2"])]),

        // Tensors, autograd, kernels, RNG, optimisers, safetensors and PNG I/O. Knows no diffusion, no 3D.
        .target(name: "Dream3DCore", dependencies: ["CBLAS", "CPNG", "CIntrinsics"]),
        // Diffusers-named layers (UNet2DConditionModel, CLIPTextModel, AutoencoderKL, LoRA), tokenizers,
        // noise schedules and samplers. 2D only: no cameras, no rays.
        .target(name: "Dream3DModels", dependencies: ["Dream3DCore"]),
        // Cameras, hash-grid NeRF field, occupancy grid, ray marching, volume rendering, shading,
        // regularisers, and the analytic (signed-distance) renderer. Renders; knows no diffusion.
        .target(name: "Dream3DScene", dependencies: ["Dream3DCore", "CGLM", "CIntrinsics"]),
        // Marching cubes, mesh clean-up, OBJ/MTL, PLY and GLB writers, and inspection: voxelisation,
        // watertightness, pictures of a mesh through the scene's cameras.
        .target(name: "Dream3DMesh", dependencies: ["Dream3DCore", "Dream3DScene"]),
        // The procedural object library (families of signed-distance primitives, colours, the prompt
        // grammar) and the dataset renderer that trains the built-in prior. Families live in Assets/shapes.
        .target(name: "Dream3DShapes", dependencies: ["Dream3DCore", "Dream3DScene"]),

        // Priors, guidance (SDS, SJC, VSD), the training loop, configuration, run folders and export.
        .target(name: "Dream3D", dependencies: [
            "Dream3DCore", "Dream3DModels", "Dream3DScene", "Dream3DMesh", "Dream3DShapes",
            .product(name: "Yams", package: "Yams"),
        ]),

        .executableTarget(name: "dream3d", dependencies: [
            "Dream3D",
            "Dream3DCore", "Dream3DModels", "Dream3DScene", "Dream3DMesh", "Dream3DShapes",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "dream3d-bench", dependencies: ["Dream3DCore", "Dream3DModels", "Dream3DScene", "Dream3DMesh", "Dream3DShapes", "Dream3D", "CBLAS"]),

        .testTarget(name: "Dream3DCoreTests", dependencies: ["Dream3DCore"]),
        .testTarget(name: "CGLMTests", dependencies: ["CGLM"]),
        .testTarget(name: "Dream3DModelsTests", dependencies: ["Dream3DModels"], resources: [.copy("Fixtures")]),
        .testTarget(name: "Dream3DSceneTests", dependencies: ["Dream3DScene"]),
        .testTarget(name: "Dream3DShapesTests", dependencies: ["Dream3DShapes"]),
        .testTarget(name: "Dream3DTests", dependencies: ["Dream3D"]),
        .testTarget(name: "Dream3DMeshTests", dependencies: ["Dream3DMesh"]),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
