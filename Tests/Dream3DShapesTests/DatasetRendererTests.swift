// The training-set renderer: same seed → same bytes (in any batching), the camera distribution its
// settings promise, multi-view groups of one instance 90° apart, exact tiling, Plücker ray maps,
// and shards that read back what was written.
import Foundation
import Testing
import Dream3DCore
import Dream3DScene
@testable import Dream3DShapes

@Suite struct DatasetRendererTests {
    @Test func sameSeedGivesIdenticalBytesInAnyBatching() throws {
        let lib = try library()
        let renderer = DatasetRenderer(library: lib, seed: 7)
        let all = renderer.examples(0..<6)
        let again = renderer.examples(0..<6), tail = renderer.examples(3..<6)
        for i in 0..<6 {
            #expect(all[i].image.scalars == again[i].image.scalars && all[i].caption == again[i].caption)
            if i >= 3 { #expect(all[i].image.scalars == tail[i - 3].image.scalars) }
            #expect(all[i].image.shape == [3, 32, 32] && all[i].image.scalars.allSatisfy { (0...1).contains($0) })
        }
        let other = DatasetRenderer(library: lib, seed: 8).examples(0..<6)
        #expect(zip(all, other).contains { $0.image.scalars != $1.image.scalars })
        // Something is drawn: the object covers part of most images, not all of any.
        let covered = all.map { $0.opacity.scalars.reduce(0, +) / 1024 }
        #expect(covered.allSatisfy { $0 > 0.03 && $0 < 0.95 }, "coverage \(covered)")
    }

    /// 3000 draws, uniform within each range: every sample inside, means within 4 standard errors
    /// of the midpoint (standard error of a uniform mean = width / √(12·n)), both ends reached.
    @Test func cameraDistributionMatchesItsRanges() throws {
        let settings = DatasetSettings()
        let renderer = DatasetRenderer(library: try library(), settings: settings, seed: 1)
        let n = 3000
        let setups = (0..<n).map(renderer.setup)
        let ranges: [(String, ClosedRange<Float>, (Camera) -> Float)] = [
            ("elevation", settings.cameras.elevationRange, { $0.elevation }), ("azimuth", settings.cameras.azimuthRange, { $0.azimuth }),
            ("distance", settings.cameras.distanceRange, { $0.distance }), ("fovy", settings.cameras.fovyRange, { $0.fovy * 180 / .pi }),
        ]
        for (name, range, value) in ranges {
            let values = setups.map { value($0.camera) }
            let width = range.upperBound - range.lowerBound
            #expect(values.allSatisfy { $0 >= range.lowerBound - 1e-4 && $0 <= range.upperBound + 1e-4 }, "\(name) outside \(range)")
            let mean = values.reduce(0, +) / Float(n), error = width / (12 * Float(n)).squareRoot()
            #expect(abs(mean - (range.lowerBound + range.upperBound) / 2) < 4 * error, "\(name) mean \(mean)")
            #expect(values.min()! < range.lowerBound + 0.01 * width && values.max()! > range.upperBound - 0.01 * width, "\(name) ends not reached")
        }
        #expect(settings.cameras.fovyRange == 40...50 && settings.cameras.elevationRange == -10...45 && settings.cameras.distanceRange == 1.5...2)
        // Every family and every colour appears; about 30% + 70%/12 of examples have the default colour.
        let families = Set(setups.map(\.familyIndex)), colours = Set(setups.map(\.colour.name))
        #expect(families.count == renderer.library.families.count && colours.count == NamedColour.all.count)
        let defaults = setups.filter { $0.colour == renderer.library.families[$0.familyIndex].defaultNamedColour }.count
        #expect(abs(Float(defaults) / Float(n) - (0.3 + 0.7 / 12)) < 0.04)
        // A non-default colour is always named in the caption; the view phrase matches the camera.
        for s in setups.prefix(300) {
            let p = try PromptGrammar(library: renderer.library).parse(s.caption)
            #expect(p.family.name == renderer.library.families[s.familyIndex].name && p.unknownWords.isEmpty)
            #expect(p.resolvedColour == s.colour)
            if let view = p.view { #expect(view == s.camera.viewLabel) }
        }
    }

    @Test func multiViewGroupsShareOneInstanceNinetyDegreesApart() throws {
        let renderer = DatasetRenderer(library: try library(), seed: 4)
        for index in 0..<5 {
            let views = renderer.group(index)
            #expect(views.count == 4)
            let first = views[0]
            for (k, view) in views.enumerated() {
                #expect(view.familyIndex == first.familyIndex && view.colour == first.colour)
                #expect(view.instance.values == first.instance.values && view.instance.scene == first.instance.scene)
                #expect(view.camera.elevation == first.camera.elevation && view.camera.distance == first.camera.distance
                        && view.camera.fovy == first.camera.fovy && view.background == first.background)
                var turn = (view.camera.azimuth - first.camera.azimuth).truncatingRemainder(dividingBy: 360)
                if turn < 0 { turn += 360 }
                #expect(abs(turn - 90 * Float(k)) < 1e-3, "view \(k) turned \(turn)°")
                #expect((-180..<180).contains(view.camera.azimuth))
            }
            // The views are different pictures of it.
            #expect(views[0].image.scalars != views[1].image.scalars)
        }
        #expect(Set(renderer.group(0).map(\.lighting.position.x)).count == 4)     // a light per view by default
        var settings = DatasetSettings()
        settings.groupLight = .world
        let shared = DatasetRenderer(library: renderer.library, settings: settings, seed: 4).groupSetups(0)
        #expect(shared.allSatisfy { $0.lighting == shared[0].lighting })
        // A light that follows the camera sits where the first view's does, relative to each view's camera.
        settings.groupLight = .followsCamera
        let following = DatasetRenderer(library: renderer.library, settings: settings, seed: 4).groupSetups(0)
        for view in following {
            let (l, c, l0, c0) = (view.lighting.position, view.camera.position, following[0].lighting.position, following[0].camera.position)
            let length = { (v: SIMD3<Float>) in (v * v).sum().squareRoot() }
            #expect(abs(length(l - c) - length(l0 - c0)) < 1e-4 && abs(length(l) - length(l0)) < 1e-4)
            #expect(abs((l * c).sum() - (l0 * c0).sum()) < 1e-3 && abs(l.z - l0.z) < 1e-5 && view.lighting.ambient == following[0].lighting.ambient)
        }
        #expect(Set(following.map(\.lighting.position.x)).count == 4)
        let batch = renderer.groups(2..<4)
        #expect(batch[1].map(\.image.scalars) == renderer.group(3).map(\.image.scalars))
    }

    @Test func tileAndUntileAreExactInverses() {
        var generator = SeededGenerator(seed: 2)
        let views = (0..<4).map { _ in Tensor.uniform([3, 5, 7], using: &generator) }
        let tile = tileViews(views)
        #expect(tile.shape == [3, 10, 14])
        #expect(tile.scalars[7] == views[1].scalars[0] && tile.scalars[5 * 14] == views[2].scalars[0])
        #expect(untileViews(tile).map(\.scalars) == views.map(\.scalars))
        let row = tileViews(views, columns: 4)
        #expect(row.shape == [3, 5, 28] && untileViews(row, rows: 1, columns: 4).map(\.scalars) == views.map(\.scalars))
    }

    @Test func pluckerRaysAreUnitDirectionsWithConsistentMoments() {
        let camera = Camera(elevation: 20, azimuth: 35, distance: 1.8, fovy: 45 * .pi / 180, width: 33, height: 33)
        let rays = pluckerRays(camera), plane = 33 * 33
        #expect(rays.shape == [6, 33, 33])
        let reference = camera.rays()
        for p in 0..<plane {
            let d = SIMD3(rays.scalars[p], rays.scalars[plane + p], rays.scalars[2 * plane + p])
            let m = SIMD3(rays.scalars[3 * plane + p], rays.scalars[4 * plane + p], rays.scalars[5 * plane + p])
            #expect(abs((d * d).sum() - 1) < 1e-5)
            #expect(abs((d * m).sum()) < 1e-5)
            // Same rays as Camera.rays(): the moment is the origin × direction of that ray.
            let o = SIMD3(reference.origins[3 * p], reference.origins[3 * p + 1], reference.origins[3 * p + 2])
            let v = SIMD3(reference.directions[3 * p], reference.directions[3 * p + 1], reference.directions[3 * p + 2])
            #expect(((d - v) * (d - v)).sum() < 1e-10)
            let expected = SIMD3(o.y * v.z - o.z * v.y, o.z * v.x - o.x * v.z, o.x * v.y - o.y * v.x)
            #expect(((m - expected) * (m - expected)).sum() < 1e-9)
        }
        // The centre pixel looks at the origin: direction −position/|position|, zero moment.
        let centre = 16 * 33 + 16
        let toOrigin = -camera.position / (camera.position * camera.position).sum().squareRoot()
        let d = SIMD3(rays.scalars[centre], rays.scalars[plane + centre], rays.scalars[2 * plane + centre])
        #expect(((d - toOrigin) * (d - toOrigin)).sum() < 1e-10)
        #expect(abs(rays.scalars[3 * plane + centre]) + abs(rays.scalars[4 * plane + centre]) + abs(rays.scalars[5 * plane + centre]) < 1e-5)
    }

    @Test func shardsReadBackWhatWasWritten() throws {
        let folder = try temporaryFolder("shards"), again = try temporaryFolder("shards-again")
        defer { try? FileManager.default.removeItem(at: folder); try? FileManager.default.removeItem(at: again) }
        let renderer = DatasetRenderer(library: try library(), seed: 9)
        let names = try writeDatasetShards(renderer, count: 5, perShard: 3, to: folder)
        #expect(names == ["shard-00000", "shard-00001"])
        let examples = renderer.examples(0..<5)
        let shards = try names.map { try DatasetShard(name: $0, in: folder) }
        #expect(shards.map(\.captions.count) == [3, 2])
        for (i, e) in examples.enumerated() {
            let shard = shards[i / 3], j = i % 3
            let stored = Array(shard.images.scalars[(j * 3072)..<((j + 1) * 3072)])
            #expect(stored == e.image.scalars.map { floatFromHalfBits(halfBits(from: $0)) }, "example \(i): F16 round trip")
            #expect(shard.cameras[j] == e.camera && shard.captions[j] == e.caption)
            #expect(shard.familyIndices[j] == e.familyIndex && shard.colourIndices[j] == e.colour.index)
        }
        // Deterministic files, multi-view groups keep their views together.
        _ = try writeDatasetShards(renderer, count: 5, perShard: 3, to: again)
        for name in names {
            let (a, b) = (DatasetShard.urls(name, in: folder), DatasetShard.urls(name, in: again))
            #expect(try Data(contentsOf: a.images) == Data(contentsOf: b.images) && Data(contentsOf: a.labels) == Data(contentsOf: b.labels))
        }
        let groupNames = try writeDatasetShards(renderer, count: 2, perShard: 2, groups: true, to: again)
        let groupShard = try DatasetShard(name: groupNames[0], in: again)
        #expect(groupShard.groupViews == 4 && groupShard.cameras.count == 8)
        #expect(groupShard.cameras.map(\.azimuth) == renderer.group(0).map(\.camera.azimuth) + renderer.group(1).map(\.camera.azimuth))
        #expect { try DatasetShard(name: "shard-00099", in: folder) } throws: { error in "\(error)".contains("shard-00099") }
    }
}
