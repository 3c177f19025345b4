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
