// MultiViewTile.swift — several views of one object as one image, the way Zero123++ feeds a
// multi-view prior (its 3×2 grid of 320² views) and the probe's 2×2 tiled prior did (DESIGN.md §9):
// view k goes to row k / columns, column k % columns, with no padding, so untiling is exact.

import Dream3DCore

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
