// Regularizers.swift — the scene losses of DreamFusion and threestudio, each weighted in the recipe.
import Dream3DCore

/// Opacity sparsity, mean over pixels of √(opacity² + 0.01) (threestudio's lambda_sparsity term):
/// favours empty pixels, against floaters filling the view.
public func sparsityLoss(opacity: Tensor) -> Tensor {
    (opacity.square() + 0.01).sqrt().mean()
}

/// Orientation loss (DreamFusion eq. 9 as threestudio computes it): Σ stopgrad(w)·max(0, n·v)² over
/// samples, n the normal and v the ray direction, divided by the number of pixels the object covers.
/// Normals that face away from the camera while contributing to the image are penalised.
public func orientationLoss(_ render: Render) -> Tensor {
    guard let normals = render.normals else { preconditionFailure("orientation loss needs a render with normals") }
    let count = render.samples.count
    let facing = (normals * Tensor(shape: [count, 3], scalars: render.sampleDirections)).sum(axes: [1]).relu().square()
    let covered = max(1, render.opacity.scalars.filter { $0 > 0 }.count)
    return (render.weights.detached() * facing).sum() / Float(covered)
}

/// Binary entropy of opacity, mean over pixels (threestudio's "opaque" loss): pushes each pixel to
/// be fully covered or fully empty. Opacity is clamped to [1e-5, 1 − 1e-5] before the logarithms.
public func opacityEntropyLoss(opacity: Tensor) -> Tensor {
    let a = opacity.clamped(1e-5, 1 - 1e-5)
    return -(a * a.log() + (1 - a) * (1 - a).log()).mean()
}

/// SJC's emptiness loss (Wang et al. 2022, §5; pals-ttic/sjc run_sjc.py): Σ log(1 + scale·w) over the
/// ray-sample weights w, a sparsity prior that empties space the prompt does not need. The reference
/// takes the mean over its sample slots, 64 × 64 rays × ~347 steps (the box diagonal 2√3 at its step
/// 0.01), empty slots counting 0; the sum is divided by that same count here, whatever this render's
/// size and step, so that a ray is pulled as hard as one of the reference's and its weight (1e4) carries
/// over. (A mean over this renderer's own slots, 32² × 128 by default, pulled each ray ~11× harder.)
/// A ray's Σ log(1 + scale·w) hardly depends on the step: log(1 + scale) for one opaque sample,
/// ≈ scale·opacity for thin fog.
public func emptinessLoss(weights: Tensor, scale: Float = 10) -> Tensor {
    (weights * scale + 1).log().sum() / (64 * 64 * 347)
}

/// SJC's centre-depth loss (run_sjc.py, depth_weight): −log of the gap between the mean depth of the
/// image border (the outer 7/64 of each side: its depth[7:-7, 7:-7] of 64 × 64) and that of the centre,
/// depth d = Σ wᵢtᵢ + (1 − opacity)·backgroundDepth (its bg_dist 10 for what the rays miss). It keeps the
/// object in the middle of the view with empty, far borders.
/// The reference writes log(d̄_centre − d̄_border + 1e-12); for a centred object that argument is negative,
/// the loss value NaN, and the step torch takes (backward of log is 1/x whatever the sign) is that of
/// −log(d̄_border − d̄_centre), written here directly; the gap is clamped at 1e-6, where the loss stops pulling.
/// Scaled by pixels / 64² so that, as for the emptiness loss, each pixel is pulled as hard as one of the
/// reference's at the same weight. depth, opacity: [height · width], row-major.
public func centreDepthLoss(depth: Tensor, opacity: Tensor, width: Int, height: Int, backgroundDepth: Float = 10) -> Tensor {
    precondition(depth.shape == [width * height] && opacity.shape == depth.shape,
                 "centre depth: depth \(depth.shape), opacity \(opacity.shape) for \(width) × \(height) pixels")
    let inset = Int((Float(min(width, height)) * 7 / 64).rounded())
    let isCentre = (0..<(width * height)).map { i in
        (inset..<(height - inset)).contains(i / width) && (inset..<(width - inset)).contains(i % width)
    }
    let centre = Float(isCentre.filter { $0 }.count), border = Float(isCentre.count) - centre
    precondition(centre > 0 && border > 0, "centre depth: a \(width) × \(height) image has no border or no centre")
    let gapWeights = Tensor(shape: depth.shape, scalars: isCentre.map { $0 ? -1 / centre : 1 / border })
    let expectedDepth = depth + (1 - opacity) * backgroundDepth
    return -(expectedDepth * gapWeights).sum().clamped(1e-6, .infinity).log() * (Float(width * height) / (64 * 64))
}
