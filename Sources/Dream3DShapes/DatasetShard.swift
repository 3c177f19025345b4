// DatasetShard.swift — a rendered slice of the training set on disk, so training reads pixels
// instead of tracing them again. One shard is two safetensors files, because the core writer stores
// one dtype per file and the two halves want different ones:
//   <name>.images.safetensors  "images" [N, 3, S, S] as F16 (a 32² image is 6 KB; F16's step near
//                              1 is 2⁻¹¹, finer than the 8-bit PNGs the renders end up as);
//   <name>.labels.safetensors  F32, exact: "cameras" [N, 4] (elevation°, azimuth°, distance, fovy in
//                              radians, from which Camera's init rebuilds the same camera-to-world),
//                              "camera_to_world" [N, 16] (column-major, for readers without Camera),
//                              "family" [N], "colour" [N] (indices into the metadata's lists);
//                              metadata: "captions" (JSON array), "families", "colours" (JSON arrays
//                              of names), "group_views" (1, or V when consecutive runs of V examples
//                              are the views of one multi-view group), "seed", "first" (first index).
// Writes go through writeSafetensors, so each file appears whole or not at all.
import Dream3DCore
import Dream3DScene
import Foundation

/// A shard that cannot be written or read.
public enum DatasetShardError: Error, CustomStringConvertible {
    case write(FileWriteError)
    case read(SafetensorsError)
    case inconsistent(path: String, reason: String)
    case folder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .write(error): error.description
        case let .read(error): error.description
        case let .folder(path, reason):
            """
            could not create the dataset folder \(path): \(reason)
            hint: choose a writable folder with free space
            """
        case let .inconsistent(path, reason):
            """
            dataset shard \(path): \(reason)
            hint: the shard was written by another version or half-copied; delete the cache folder and render it again
            """
        }
    }
}

/// A shard in memory.
public struct DatasetShard: @unchecked Sendable {
    /// [N, 3, S, S] in [0, 1] (F16-rounded once written).
    public let images: Tensor
    public let cameras: [Camera]
    public let familyIndices: [Int]
    public let colourIndices: [Int]
    public let captions: [String]
    /// 1, or V when examples come in multi-view groups of V consecutive views.
    public let groupViews: Int
    /// The labels file's metadata, verbatim.
    public let metadata: [String: String]

    /// File names of shard `name` in `folder`.
    public static func urls(_ name: String, in folder: URL) -> (images: URL, labels: URL) {
        (folder.appendingPathComponent("\(name).images.safetensors"), folder.appendingPathComponent("\(name).labels.safetensors"))
    }

    /// Writes `examples` as shard `name` in `folder` (which must exist).
    public static func write(_ examples: [DatasetExample], library: ShapeLibrary, groupViews: Int = 1, seed: UInt64, first: Int,
                             name: String, in folder: URL) throws(DatasetShardError) {
        precondition(!examples.isEmpty && examples.count % groupViews == 0, "\(examples.count) examples in groups of \(groupViews)")
        let n = examples.count, shape = examples[0].image.shape
        var images = [Float](), cameras = [Float](), poses = [Float]()
        images.reserveCapacity(n * examples[0].image.count)
        for e in examples {
            precondition(e.image.shape == shape, "image shapes differ: \(e.image.shape) vs \(shape)")
            images += e.image.scalars
            cameras += [e.camera.elevation, e.camera.azimuth, e.camera.distance, e.camera.fovy]
            poses += e.camera.cameraToWorld
        }
        let metadata = [
            "captions": jsonArray(examples.map(\.caption)),
            "families": jsonArray(library.families.map(\.name)),
            "colours": jsonArray(NamedColour.all.map(\.name)),
            "group_views": "\(groupViews)", "seed": "\(seed)", "first": "\(first)",
        ]
        let labels: [String: Tensor] = [
            "cameras": Tensor(shape: [n, 4], scalars: cameras),
            "camera_to_world": Tensor(shape: [n, 16], scalars: poses),
            "family": Tensor(shape: [n], scalars: examples.map { Float($0.familyIndex) }),
            "colour": Tensor(shape: [n], scalars: examples.map { Float($0.colour.index) }),
        ]
        let urls = urls(name, in: folder)
        do {
            try writeSafetensors(["images": Tensor(shape: [n] + shape, scalars: images)], metadata: ["format": "pt"], dtype: .f16, to: urls.images)
            try writeSafetensors(labels, metadata: metadata, dtype: .f32, to: urls.labels)
        } catch {
            throw .write(error)
        }
    }

    /// Reads shard `name` from `folder`.
    public init(name: String, in folder: URL) throws(DatasetShardError) {
        let urls = Self.urls(name, in: folder)
        let imagesFile: SafetensorsFile, labelsFile: SafetensorsFile
        let images: Tensor, cameraRows: Tensor, poses: Tensor, families: Tensor, colours: Tensor
        do {
            imagesFile = try SafetensorsFile(contentsOf: urls.images)
            labelsFile = try SafetensorsFile(contentsOf: urls.labels)
            images = try imagesFile.tensor("images")
            cameraRows = try labelsFile.tensor("cameras")
            poses = try labelsFile.tensor("camera_to_world")
            families = try labelsFile.tensor("family")
            colours = try labelsFile.tensor("colour")
        } catch {
            throw .read(error)
        }
        let path = urls.labels.path, n = images.shape.first ?? 0
        guard images.rank == 4, images.shape[1] == 3, cameraRows.shape == [n, 4], poses.shape == [n, 16],
              families.shape == [n], colours.shape == [n] else {
            throw .inconsistent(path: path, reason: "shapes do not agree: images \(images.shape), cameras \(cameraRows.shape), family \(families.shape)")
        }
        let metadata = labelsFile.metadata
        guard let captionData = metadata["captions"]?.data(using: .utf8),
              let captions = try? JSONDecoder().decode([String].self, from: captionData), captions.count == n else {
            throw .inconsistent(path: path, reason: "metadata \"captions\" is missing or does not list \(n) captions")
        }
        let side = (height: images.shape[2], width: images.shape[3])
        self.images = images
        self.cameras = (0..<n).map { i in
            Camera(elevation: cameraRows.scalars[4 * i], azimuth: cameraRows.scalars[4 * i + 1], distance: cameraRows.scalars[4 * i + 2],
                   fovy: cameraRows.scalars[4 * i + 3], width: side.width, height: side.height)
        }
        self.familyIndices = families.scalars.map { Int($0) }
        self.colourIndices = colours.scalars.map { Int($0) }
        self.captions = captions
        self.groupViews = Int(metadata["group_views"] ?? "1") ?? 1
        self.metadata = metadata
    }
}

/// Renders examples (or multi-view groups) `0..<count` of `renderer` into shards of
/// `perShard` examples named "shard-00000", … in `folder` (created if needed); returns the names.
/// With `groups`, `count` and `perShard` count groups and each group's views are consecutive.
/// Deterministic: the same renderer seed and settings give the same files.
public func writeDatasetShards(_ renderer: DatasetRenderer, count: Int, perShard: Int, groups: Bool = false, to folder: URL,
                               progress: (Int) -> Void = { _ in }) throws(DatasetShardError) -> [String] {
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    } catch {
        throw .folder(path: folder.path, reason: (error as NSError).localizedDescription)
    }
    var names: [String] = []
    for start in stride(from: 0, to: count, by: perShard) {
        let range = start..<min(count, start + perShard)
        let name = "shard-" + String(format: "%05d", start / perShard)
        let examples = groups ? renderer.groups(range).flatMap { $0 } : renderer.examples(range)
        try DatasetShard.write(examples, library: renderer.library, groupViews: groups ? renderer.settings.groupViews : 1,
                               seed: renderer.seed, first: start, name: name, in: folder)
        names.append(name)
        progress(range.upperBound)
    }
    return names
}

/// A JSON array of strings (JSONEncoder escapes; sorted keys do not matter for an array).
private func jsonArray(_ strings: [String]) -> String {
    String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
}
