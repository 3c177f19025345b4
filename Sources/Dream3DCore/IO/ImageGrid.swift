// ImageGrid.swift — tiles equally sized images into one preview image.
//
// Layout matches torchvision.utils.make_grid(images, nrow: columns, padding:, pad_value: background):
// min(columns, n) tiles per row, filled row by row, a `padding`-wide border around and between
// tiles, so the grid is [C, rows·(H + p) + p, cols·(W + p) + p] and tile k has its top-left corner at
// (p + (k / cols)·(H + p), p + (k % cols)·(W + p)). Differs: make_grid returns a single image as is;
// here it gets its border too, so one view and many look alike in a run folder. Default background 1
// (white) rather than torchvision's 0, the usual backdrop of renders.

/// The images, each [C, H, W] with one common shape, tiled `columns` to a row on a `background` field.
/// Preconditions (grids are built from our own renders): at least one image, all the same rank-3
/// shape, `columns` ≥ 1, `padding` ≥ 0.
public func imageGrid(_ images: [Tensor], columns: Int, padding: Int = 2, background: Float = 1) -> Tensor {
    precondition(!images.isEmpty, "imageGrid needs at least one image")
    precondition(columns >= 1 && padding >= 0, "imageGrid: columns \(columns) must be ≥ 1, padding \(padding) ≥ 0")
    let shape = images[0].shape
    precondition(shape.count == 3, "imageGrid needs [C, H, W] images, got shape \(shape)")
    for (k, image) in images.enumerated() {
        precondition(image.shape == shape, "imageGrid: image \(k) has shape \(image.shape), image 0 has \(shape)")
    }
    let (channels, height, width) = (shape[0], shape[1], shape[2])
    let cols = min(columns, images.count)
    let rows = (images.count + cols - 1) / cols
    let gridHeight = rows * (height + padding) + padding
    let gridWidth = cols * (width + padding) + padding
    var scalars = [Float](repeating: background, count: channels * gridHeight * gridWidth)
    for (k, image) in images.enumerated() {
        let top = padding + (k / cols) * (height + padding)
        let left = padding + (k % cols) * (width + padding)
        for c in 0..<channels {
            for y in 0..<height {
                let source = (c * height + y) * width
                let target = (c * gridHeight + top + y) * gridWidth + left
                scalars[target..<(target + width)] = image.scalars[source..<(source + width)]
            }
        }
    }
    return Tensor(shape: [channels, gridHeight, gridWidth], scalars: scalars)
}
