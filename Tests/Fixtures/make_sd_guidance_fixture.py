#!/usr/bin/env python3
# make_sd_guidance_fixture.py — the reference for Stable Diffusion guidance's render → latent path
# (Dream3DTests/StableDiffusionGuidanceTests). Run by hand from the repository root after make_fixtures.py
# (`python3 Tests/Fixtures/make_sd_guidance_fixture.py`) and commit what it writes; CI never runs it.
#
# Loads the committed tiny VAE (Tests/Dream3DModelsTests/Fixtures/pipeline/vae) and follows threestudio's
# stable_diffusion_guidance.py: F.interpolate(rgb, (R, R), mode="bilinear", align_corners=False), then
# encode_images with the posterior's mean in place of a sample (dream3d's choice): vae.encode(2x − 1).latent_dist
# .mean · scaling_factor. Writes sd_encode_io.safetensors: render [1, 3, 8, 8] in [0, 1], latents [1, 4, 8, 8]
# (R = 16), weights w, render_grad = ∂(Σ w·latents)/∂render by torch autograd.
import platform

import torch, torch.nn.functional as F, diffusers
from safetensors.torch import save_file
from diffusers import AutoencoderKL

OUT = "Tests/Dream3DModelsTests/Fixtures"
torch.manual_seed(11)
vae = AutoencoderKL.from_pretrained(f"{OUT}/pipeline/vae").float().eval()
render = torch.rand(1, 3, 8, 8, requires_grad=True)
resized = F.interpolate(render, (16, 16), mode="bilinear", align_corners=False)
latents = vae.encode(resized * 2.0 - 1.0).latent_dist.mean * vae.config.scaling_factor
w = torch.rand_like(latents) * 2 - 1
(latents * w).sum().backward()
meta = {"torch": torch.__version__, "diffusers": diffusers.__version__, "python": platform.python_version(),
        "script": "Tests/Fixtures/make_sd_guidance_fixture.py", "resolution": "16"}
save_file({"render": render.detach(), "latents": latents.detach(), "weights": w, "render_grad": render.grad},
          f"{OUT}/sd_encode_io.safetensors", metadata=meta)
print("wrote", f"{OUT}/sd_encode_io.safetensors", meta)
