// ConvolutionBench.swift — conv2d as the U-Net uses it: 3×3, 64→64 channels, 32×32, batch 8
// (issue 2's figure). Budget: the forward reaches ≥ 50% of the measured sgemm peak.
import Dream3DCore

/// Prints conv2d forward and forward+backward GFLOP/s and their ratio to `peak` (GFLOP/s).
func benchConvolution(peak: Double) {
    let (n, c, o, h, w, k) = (8, 64, 64, 32, 32, 3)
    var generator = SeededGenerator(seed: 1)
    let x = Tensor.uniform([n, c, h, w], in: -1...1, using: &generator).requiringGrad()
    let weight = Tensor.uniform([o, c, k, k], in: -0.1...0.1, using: &generator).requiringGrad()
    let bias = Tensor.uniform([o], using: &generator).requiringGrad()
    let forwardFlops = 2.0 * Double(n * o * h * w * c * k * k)     // one multiply-add per weight per output pixel
    let forward = bestTime {
        _ = withoutGrad { Tensor.conv2d(x, weight: weight, bias: bias, padding: 1) }
    }
    let seed = generator.uniforms(n * o * h * w)
    let both = bestTime {
        let y = Tensor.conv2d(x, weight: weight, bias: bias, padding: 1)
        y.backward(seed: seed)                                      // input and weight gradients: 2 more GEMMs
    }
    let forwardRate = forwardFlops / forward / 1e9, bothRate = 3 * forwardFlops / both / 1e9
    report("conv2d 3×3 64→64 32² ×8 forward", String(format: "%.1f GFLOP/s", forwardRate), ratio: forwardRate / peak, to: "sgemm peak (budget ≥ 0.50)")
    report("conv2d 3×3 64→64 32² ×8 forward+backward", String(format: "%.1f GFLOP/s", bothRate), ratio: bothRate / peak, to: "sgemm peak")
}
