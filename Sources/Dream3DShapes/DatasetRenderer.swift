// DatasetRenderer.swift — the built-in prior's training set (issue 6, item 2): shaded renders of
// random instances of the procedural families, with the cameras, light model and random solid
// backgrounds distillation uses, and captions written by the prompt grammar. Deterministic by seed
// and by index: example i depends only on (seed, i) through its own split stream, so any range can
// be rendered in any order, on any number of threads, and gives the same bytes.
// Multi-view groups (issue 9, MVDream / Zero123++ style): V views of ONE instance at azimuths
// φ + k·360°/V, sharing elevation, distance, field of view, background and shading mode.
import Dream3DCore
import Dream3DScene

/// How examples are drawn. Defaults are distillation's (DreamFusion via threestudio, see
/// CameraSampler and Lighting.random) except the field of view, narrowed to 40–50° so objects fill
/// more of the image (DESIGN.md §9 names larger framing among the untried, promising changes).
public struct DatasetSettings: Codable, Sendable, Equatable {
    /// Output image side S (images are [3, S, S]).
    public var imageSize = 32
    /// Rays per output pixel along each axis: 2 traces at 64² and average-pools to 32², as the probe
    /// made its data (it removed most of the halo, DESIGN.md §9).
    public var supersampling = 2
    /// Camera ranges (degrees, world units); width and height are replaced by `imageSize`.
    public var cameras: CameraSampler = {
        var sampler = CameraSampler()
        sampler.fovyRange = 40...50
        return sampler
    }()
    /// Lighting.random's perturbation of the light direction around the camera, and its distance.
    public var lightPerturbation: Float = 1
    public var lightDistanceRange: ClosedRange<Float> = 0.8...1.5
    /// Ambient share a, drawn per example. threestudio fixes 0.1, which left a third of the probe-style
    /// renders mostly black on their unlit side (colour words unreadable); distillation draws from the
    /// same range (Lighting.random's caller), so the prior sees the lighting SDS renders with.
    public var ambientRange: ClosedRange<Float> = 0.2...0.5
    /// Share of examples rendered unlit (DreamFusion's "albedo" passes, which distillation also uses).
    public var albedoProbability: Float = 0.1
    /// nil: a background drawn uniformly from the RGB cube per example (Background.randomSolid);
    /// otherwise this fixed colour.
    public var fixedBackground: SIMD3<Float>? = nil
    /// Share of examples in the family's default colour (the rest draw a colour word uniformly).
    public var defaultColourProbability: Float = 0.3
    /// When an example has its family's default colour, the caption drops the colour word with this
    /// probability ("a teddy bear" must mean brown); other colours are always named.
    public var dropDefaultColourWordProbability: Float = 0.5
    /// Share of captions ending in the camera's view phrase ("…, side view", DreamFusion §3.2).
    public var viewPhraseProbability: Float = 0.5
    /// Framing radius of instances (ShapeLibrary.defaultFramingRadius).
    public var framingRadius: Float = ShapeLibrary.defaultFramingRadius
    /// Views per multi-view group, evenly spaced in azimuth.
    public var groupViews = 4
    /// How the views of a group are lit (GroupLight).
    public var groupLight = GroupLight.perView

    public init() {}
}

/// How the views of a multi-view group are lit.
public enum GroupLight: String, Codable, Sendable {
    /// Each view draws its own light around its camera, as each distillation camera does.
    case perView
    /// One light, drawn around the first view's camera, for the whole group: shading is consistent in
    /// the world across views (MVDream-style data).
    case world
    /// One draw around the first view's camera that turns with the camera: every view is lit the same
    /// way relative to its camera, so the views differ only by what the turn shows of the object. Each
    /// view's light is still a draw of `Lighting.random` around its own camera.
    case followsCamera
}

/// One rendered training example.
public struct DatasetExample: @unchecked Sendable {
    /// [3, S, S] in [0, 1].
    public let image: Tensor
    /// [S, S]: covered fraction of each pixel (issue 9's silhouettes).
    public let opacity: Tensor
    /// The camera (its width and height are S); `camera.cameraToWorld` is column-major 4×4.
    public let camera: Camera
    public let caption: String
    public let familyIndex: Int
    /// The prompt colour the instance was made with (the family default when the caption names none).
    public let colour: NamedColour
    /// The instance rendered (its proportions in `instance.values`).
    public let instance: ShapeInstance
    public let lighting: Lighting
    public let background: SIMD3<Float>
    public let shading: ShadingMode
}

/// Renders training examples and multi-view groups from a library; see the file comment.
public struct DatasetRenderer: Sendable {
    public let library: ShapeLibrary
    public let settings: DatasetSettings
    public let seed: UInt64
    public var tracer = InstanceTracer()

    public init(library: ShapeLibrary, settings: DatasetSettings = DatasetSettings(), seed: UInt64) {
        self.library = library
        self.settings = settings
        self.seed = seed
    }

    /// Everything about an example except its pixels: cheap, so tests can check distributions.
    public struct Setup: Sendable {
        public let familyIndex: Int
        public let colour: NamedColour
        public let instance: ShapeInstance
        public let camera: Camera
        public let lighting: Lighting
        public let background: SIMD3<Float>
        public let shading: ShadingMode
        public let caption: String
    }

    /// The camera sampler at the dataset's image size.
    private var sizedSampler: CameraSampler {
        var sampler = settings.cameras
        sampler.width = settings.imageSize
        sampler.height = settings.imageSize
        return sampler
    }

    /// The setup of example `index`.
    public func setup(_ index: Int) -> Setup {
        var g = SeededGenerator(seed: seed).split("dataset example \(index)")
        let (family, colour, instance) = drawInstance(using: &g)
        let camera = sizedSampler.sample(using: &g)
        let lighting = drawLighting(around: camera, using: &g)
        let shading: ShadingMode = g.uniform() < settings.albedoProbability ? .albedo : .lambertian
        let background = drawBackground(using: &g)
        let caption = drawCaption(family: family, colour: colour, view: camera.viewLabel, using: &g)
        return Setup(familyIndex: family, colour: colour, instance: instance, camera: camera, lighting: lighting,
                     background: background, shading: shading, caption: caption)
    }

    /// The setups of multi-view group `index`: `settings.groupViews` views of one instance at
    /// azimuths φ + k·360°/V (wrapped to [−180°, 180°)), one elevation, distance and field of view,
    /// one background and shading mode, lit as `groupLight` says; each view its own caption (whether
    /// captions carry a view phrase is decided once per group).
    public func groupSetups(_ index: Int) -> [Setup] {
        var g = SeededGenerator(seed: seed).split("dataset group \(index)")
        let (family, colour, instance) = drawInstance(using: &g)
        let first = sizedSampler.sample(using: &g)
        let shading: ShadingMode = g.uniform() < settings.albedoProbability ? .albedo : .lambertian
        let background = drawBackground(using: &g)
        let colourWord = g.uniform() >= settings.dropDefaultColourWordProbability || colour != library.families[family].defaultNamedColour
        let viewPhrase = g.uniform() < settings.viewPhraseProbability
        let shared = settings.groupLight == .perView ? nil : drawLighting(around: first, using: &g)
        return groupCameras(first, views: settings.groupViews).enumerated().map { k, camera in
            let turn = 360 * Float(k) / Float(settings.groupViews)
            let lighting: Lighting
            switch (settings.groupLight, shared) {
            case let (.world, shared?): lighting = shared
            case let (.followsCamera, shared?): lighting = shared.turned(by: turn)
            default: lighting = drawLighting(around: camera, using: &g)
            }
            let caption = PromptGrammar.caption(family: library.families[family].name, colour: colourWord ? colour : nil,
                                                view: viewPhrase ? camera.viewLabel : nil)
            return Setup(familyIndex: family, colour: colour, instance: instance, camera: camera, lighting: lighting,
                         background: background, shading: shading, caption: caption)
        }
    }

    /// Examples `range`, rendered in parallel over images.
    public func examples(_ range: Range<Int>) -> [DatasetExample] {
        render(range.map(setup))
    }

    /// Multi-view group `index`: `settings.groupViews` examples of one instance.
    public func group(_ index: Int) -> [DatasetExample] {
        render(groupSetups(index))
    }

    /// Groups `range`, each `settings.groupViews` examples, rendered in parallel over images.
    public func groups(_ range: Range<Int>) -> [[DatasetExample]] {
        render(groups: range.map(groupSetups))
    }

    /// Multi-view groups from their setups (`groupSetups`), rendered in parallel over images.
    public func render(groups: [[Setup]]) -> [[DatasetExample]] {
        var flat = render(groups.flatMap { $0 })[...]
        return groups.map { group in
            defer { flat = flat.dropFirst(group.count) }
            return Array(flat.prefix(group.count))
        }
    }

    /// Renders setups, one image per parallel iteration; each image's pixels depend only on its setup.
    public func render(_ setups: [Setup]) -> [DatasetExample] {
        let side = settings.imageSize, plane = side * side
        var pixels = [Float](repeating: 0, count: setups.count * 3 * plane)
        var coverage = [Float](repeating: 0, count: setups.count * plane)
        let scenes = setups.map { TracedScene($0.instance.scene) }
        let tracer = self.tracer, k = settings.supersampling
        pixels.withUnsafeMutableBufferPointer { p in
            coverage.withUnsafeMutableBufferPointer { c in
                let p = p.baseAddress!, c = c.baseAddress!
                parallelFor(setups.count) { i in
                    let s = setups[i]
                    tracer.render(scenes[i], camera: s.camera, lighting: s.lighting, mode: s.shading, background: s.background,
                                  supersampling: k, image: p + i * 3 * plane, opacity: c + i * plane)
                }
            }
        }
        return setups.enumerated().map { i, s in
            DatasetExample(image: Tensor(shape: [3, side, side], scalars: Array(pixels[(i * 3 * plane)..<((i + 1) * 3 * plane)])),
                           opacity: Tensor(shape: [side, side], scalars: Array(coverage[(i * plane)..<((i + 1) * plane)])),
                           camera: s.camera, caption: s.caption, familyIndex: s.familyIndex, colour: s.colour,
                           instance: s.instance, lighting: s.lighting, background: s.background, shading: s.shading)
        }
    }

    // MARK: draws, in a fixed order per stream

    private func drawInstance(using g: inout SeededGenerator) -> (Int, NamedColour, ShapeInstance) {
        let count = library.families.count
        let family = min(count - 1, Int(g.uniform() * Float(count)))
        let useDefault = g.uniform() < settings.defaultColourProbability
        let drawn = NamedColour.all[min(NamedColour.all.count - 1, Int(g.uniform() * Float(NamedColour.all.count)))]
        let colour = useDefault ? library.families[family].defaultNamedColour : drawn
        let instance = library.families[family].instanceDetails(colour: colour, framingRadius: settings.framingRadius, using: &g)
        return (family, colour, instance)
    }

    private func drawLighting(around camera: Camera, using g: inout SeededGenerator) -> Lighting {
        let ambient = g.uniform(in: settings.ambientRange)
        return Lighting.random(around: camera, perturbation: settings.lightPerturbation, distanceRange: settings.lightDistanceRange,
                               ambient: ambient, using: &g)
    }

    private func drawBackground(using g: inout SeededGenerator) -> SIMD3<Float> {
        if let fixed = settings.fixedBackground { return fixed }
        let c = g.uniforms(3)
        return SIMD3(c[0], c[1], c[2])
    }

    private func drawCaption(family: Int, colour: NamedColour, view: ViewLabel, using g: inout SeededGenerator) -> String {
        let isDefault = colour == library.families[family].defaultNamedColour
        let colourWord = !isDefault || g.uniform() >= settings.dropDefaultColourWordProbability
        let viewPhrase = g.uniform() < settings.viewPhraseProbability
        return PromptGrammar.caption(family: library.families[family].name, colour: colourWord ? colour : nil, view: viewPhrase ? view : nil)
    }
}
