#!/usr/bin/env python3
# bench_unet_torch.py — PyTorch's time for the U-Net forward that `dream3d-bench` times (benchUNet in
# Sources/dream3d-bench/UNetBench.swift): the SD-2.x-like fixture config (Fixtures/unet_sd2/config.json),
# random weights, batch 2, 4×64×64 latents, 77 context tokens, class labels [2, 6]; torch.set_num_threads(2),
# no_grad, best of 5 after one warm-up. Run by hand from the repository root on the bench machine; it writes
# Tests/Dream3DModelsTests/Fixtures/unet_sd2_bench_torch.json, which the bench reads for its ratio.
import json, platform, time
import torch, diffusers
from diffusers import UNet2DConditionModel

torch.set_num_threads(2)
torch.manual_seed(0)
FIXTURES = "Tests/Dream3DModelsTests/Fixtures"
config = json.load(open(f"{FIXTURES}/unet_sd2/config.json"))
unet = UNet2DConditionModel.from_config(config).eval()
sample, t = torch.randn(2, 4, 64, 64), torch.tensor([500.0, 500.0])
context, labels = torch.randn(2, 77, config["cross_attention_dim"]), torch.randn(2, config["projection_class_embeddings_input_dim"])
with torch.no_grad():
    unet(sample, t, encoder_hidden_states=context, class_labels=labels)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        unet(sample, t, encoder_hidden_states=context, class_labels=labels)
        best = min(best, time.perf_counter() - start)
result = {"seconds": best, "batch": 2, "size": 64, "context_tokens": 77, "threads": 2, "runs": "best of 5 after 1 warm-up",
          "torch": torch.__version__, "diffusers": diffusers.__version__, "python": platform.python_version(),
          "attention": "F.scaled_dot_product_attention (AttnProcessor2_0)"}
json.dump(result, open(f"{FIXTURES}/unet_sd2_bench_torch.json", "w"), indent=2)
print(f"PyTorch U-Net forward (SD-2.x-like fixture config, batch 2, 64×64): {best * 1000:.1f} ms")
