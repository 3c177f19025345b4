// BackwardTests.swift — the autograd tape through the text encoder and the VAE, against central finite
// differences (the U-Net's input gradient is checked against PyTorch in UNetTests). L = Σ w·f(x) with w
// random; a random subset of input elements is nudged by ±ε and L summed in Double.
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct BackwardTests {
    /// Compares tape gradients of Σ w·f() with respect to `input` against central differences at `samples` elements.
    func expectTapeMatchesFiniteDifferences(_ input: Tensor, samples: Int = 16, eps: Float = 1e-2, tolerance: Double = 5e-3,
                                            _ label: String, sourceLocation: SourceLocation = #_sourceLocation, f: () -> Tensor) {
        var g = SeededGenerator(seed: 31)
        let y = f(), w = g.uniforms(y.count, in: -1...1)
        input.zeroGrad()
        y.backward(seed: w)
        let tape = input.gradScalars
        var largest = 0.0
        func loss() -> Double { zip(withoutGrad { f() }.scalars, w).reduce(0) { $0 + Double($1.0) * Double($1.1) } }
        for _ in 0..<samples {
            let i = Int(g.next() % UInt64(input.count)), x0 = input.scalars[i]
            input.scalars[i] = x0 + eps; let plus = loss()
            input.scalars[i] = x0 - eps; let minus = loss()
            input.scalars[i] = x0
            let numeric = (plus - minus) / Double(2 * eps)
            largest = max(largest, abs(numeric))
            #expect(abs(Double(tape[i]) - numeric) <= tolerance * max(1, abs(numeric)),
                    "\(label)[\(i)]: tape \(tape[i]) vs finite difference \(numeric)", sourceLocation: sourceLocation)
        }
        // gradients far above the tolerance, so a zero or missing gradient cannot pass
        #expect(largest > 50 * tolerance, "\(label): sampled gradients too small to test (largest \(largest))", sourceLocation: sourceLocation)
    }

    @Test func vaeEncodeAndDecodeBackward() throws {
        let vae = try AutoencoderKL(folder: fixtureURL("pipeline/vae"))
        let f = try fixtureFile("vae_io.safetensors")
        let image = try f.tensor("image").requiringGrad(), latents = try f.tensor("latents").requiringGrad()
        expectTapeMatchesFiniteDifferences(image, "∂encode/∂image") { vae.encode(image) }
        expectTapeMatchesFiniteDifferences(latents, "∂decode/∂latents") { vae.decode(latents) }
    }

    @Test func textEncoderBackwardToItsEmbeddings() throws {
        let clip = try CLIPTextModel(folder: fixtureURL("pipeline/text_encoder"))
        let ids = [[912, 320, 725, 624, 337, 913, 913, 913]]
        let table = try #require(clip.namedParameters().first { $0.0 == "embeddings.position_embedding.weight" }?.1)
        expectTapeMatchesFiniteDifferences(table, samples: 24, "∂last_hidden_state/∂position_embedding") { clip(ids) }
    }
}
