// MultiViewTile.swift — several views of one object as one image, the way Zero123++ feeds a
// multi-view prior (its 3×2 grid of 320² views) and the probe's 2×2 tiled prior did (DESIGN.md §9):
// view k goes to row k / columns, column k % columns, with no padding, so untiling is exact.

import Dream3DCore
import Dream3DScene

/// Views [C, H, W] (same shape; count = rows × columns) → one [C, rows·H, columns·W] image.
/// With 4 views and 2 columns: view 0 top left, 1 top right, 2 bottom left, 3 bottom right.
public func tileViews(_ views: [Tensor], columns: Int = 2) -> Tensor {
    precondition(!views.isEmpty && columns >= 1 && views.count % columns == 0,
                 "tileViews: \(views.count) views do not fill rows of \(columns)")
    let shape = views[0].shape
    precondition(shape.count == 3 && views.allSatisfy { $0.shape == shape }, "tileViews needs equal [C, H, W] views, got \(views.map(\.shape))")
    let (channels, height, width) = (shape[0], shape[1], shape[2])
    let rows = views.count / columns, tileWidth = columns * width, tileHeight = rows * height
    var out = [Float](repeating: 0, count: channels * tileHeight * tileWidth)
    for (k, view) in views.enumerated() {
        let top = (k / columns) * height, left = (k % columns) * width
        for c in 0..<channels {
            for y in 0..<height {
                let source = (c * height + y) * width, target = (c * tileHeight + top + y) * tileWidth + left
                out[target..<(target + width)] = view.scalars[source..<(source + width)]
            }
        }
    }
    return Tensor(shape: [channels, tileHeight, tileWidth], scalars: out)
}

/// The inverse of `tileViews`: a [C, rows·H, columns·W] tile → rows × columns views [C, H, W].
public func untileViews(_ tile: Tensor, rows: Int = 2, columns: Int = 2) -> [Tensor] {
    precondition(tile.rank == 3 && rows >= 1 && columns >= 1 && tile.shape[1] % rows == 0 && tile.shape[2] % columns == 0,
                 "untileViews: a [C, H, W] tile divisible into \(rows)×\(columns), got \(tile.shape)")
    let channels = tile.shape[0], tileHeight = tile.shape[1], tileWidth = tile.shape[2]
    let height = tileHeight / rows, width = tileWidth / columns
    return (0..<(rows * columns)).map { k in
        let top = (k / columns) * height, left = (k % columns) * width
        var out = [Float](repeating: 0, count: channels * height * width)
        for c in 0..<channels {
            for y in 0..<height {
                let source = (c * tileHeight + top + y) * tileWidth + left, target = (c * height + y) * width
                out[target..<(target + width)] = tile.scalars[source..<(source + width)]
            }
        }
        return Tensor(shape: [channels, height, width], scalars: out)
    }
}

/// `tileViews` on the autograd tape, for batched views: four [N, C, H, W] → [N, C, 2H, 2W] (view k at row
/// k / 2, column k % 2), each view's gradient its quarter of the tile's. Multi-view SDS tiles its renders so.
public func tileViewsOnTape(_ views: [Tensor]) -> Tensor {
    precondition(views.count == 4 && views.allSatisfy { $0.rank == 4 }, "a 2×2 tile of four [N, C, H, W] views, got \(views.map(\.shape))")
    let rows = [Tensor.concatenate([views[0], views[1]], axis: 3), Tensor.concatenate([views[2], views[3]], axis: 3)]
    return Tensor.concatenate(rows, axis: 2)
}

/// The cameras of a multi-view group: `first` turned by k·360°/`views` about the up axis (k = 0 ..< views),
/// azimuths wrapped to [−180°, 180°). The training groups (`DatasetRenderer.groupSetups`) and multi-view
/// SDS both take their views from here, so a tiled prior's view k is the same turn in both.
public func groupCameras(_ first: Camera, views: Int) -> [Camera] {
    (0..<views).map { k in
        var azimuth = first.azimuth + 360 * Float(k) / Float(views)
        if azimuth >= 180 { azimuth -= 360 }
        return Camera(elevation: first.elevation, azimuth: azimuth, distance: first.distance, fovy: first.fovy, width: first.width, height: first.height)
    }
}

/// The flat indices of view 0's quarter (rows < H/2, columns < W/2 of every channel) in a tile of
/// shape [N, C, H, W]: where a view given clean sits (`BuiltInPriorConfiguration.cleanFirstViewShare`).
public func firstViewIndices(tileShape shape: [Int]) -> [Int] {
    precondition(shape.count == 4 && shape[2] % 2 == 0 && shape[3] % 2 == 0, "a [N, C, H, W] tile of even sides, got \(shape)")
    let planes = shape[0] * shape[1], height = shape[2], width = shape[3]
    return (0..<planes).flatMap { plane in
        (0..<(height / 2)).flatMap { y in (0..<(width / 2)).map { x in (plane * height + y) * width + x } }
    }
}
