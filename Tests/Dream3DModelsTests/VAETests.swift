// VAETests.swift — AutoencoderKL encode (latent_dist.mean) and decode against diffusers (vae_io fixture).
import Foundation
import Testing
import Dream3DCore
@testable import Dream3DModels

@Suite struct VAETests {
    @Test func encodeAndDecodeMatchDiffusers() throws {
        let vae = try AutoencoderKL(folder: fixtureURL("pipeline/vae"))
        let f = try fixtureFile("vae_io.safetensors")
        expectClose(withoutGrad { vae.encode(try! f.tensor("image")) }, try f.tensor("latent_mean"), atol: 1e-4, rtol: 1e-4, "latent_dist.mean")
        expectClose(withoutGrad { vae.decode(try! f.tensor("latents")) }, try f.tensor("decoded"), atol: 1e-4, rtol: 1e-4, "decode")
    }
}
