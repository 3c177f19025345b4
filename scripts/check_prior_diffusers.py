#!/usr/bin/env python3
"""check_prior_diffusers.py — proves that an exported built-in prior is a diffusers folder in fact.

Usage:
    dream3d prior export --folder runs/prior --out prior-diffusers --write-check check.safetensors
    python3 scripts/check_prior_diffusers.py prior-diffusers check.safetensors

`--write-check` (hidden) writes a fixed input — four held-out renders noised at t = 50, 300, 600, 950,
one with text and camera dropped, one with the camera dropped — and dream3d's outputs for it, computed
from the exported folder as dream3d reloads it (BuiltInPrior/PriorCheckFixture.swift). This script:

  1. tokenizes the fixture's captions with tokenizer/vocab.json by the rules dream3d_prior.json states,
     and checks the ids equal dream3d's (the tokenizer format is documented correctly);
  2. loads text_encoder/ with transformers' CLIPTextModel.from_pretrained (refusing missing or unused
     weights, which transformers would otherwise initialise at random) and compares last_hidden_state;
  3. loads unet/ with diffusers' UNet2DConditionModel.from_pretrained (likewise strict) and compares its
     output on the fixture's sample, timestep and class_labels, conditioned on transformers' own text
     states: the whole conditioning path, end to end;
  4. prints max |Δ| per stage and exits 1 if any max |Δ| / max |dream3d output| exceeds 1e-3.

Runs on CPU in float32 (the stored F16 U-Net weights are widened, as dream3d does). Needs torch,
diffusers, transformers and safetensors; dream3d itself never needs Python.
"""
import json
import re
import sys

import torch
from diffusers import UNet2DConditionModel
from safetensors import safe_open
from transformers import CLIPTextModel

TOLERANCE = 1e-3


def tokenize(caption, vocabulary, length):
    """dream3d_prior.json's tokenizer rules: lower-case, words = runs of letters or digits."""
    ids = {word: i for i, word in reversed(list(enumerate(vocabulary)))}
    words = re.findall(r"[^\W_]+", caption.lower())
    out = [ids.get(w, ids["<unk>"]) for w in words][:length]
    return out + [ids["<pad>"]] * (length - len(out))


def compare(name, ours, theirs, scale):
    diff = (ours - theirs).abs().max().item()
    relative = diff / max(scale, 1e-12)
    print(f"{name}: max |dream3d − reference| = {diff:.3e} (relative {relative:.3e})")
    return relative <= TOLERANCE


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    folder, fixture_path = sys.argv[1], sys.argv[2]
    with safe_open(fixture_path, "pt") as f:
        fixture = {k: f.get_tensor(k) for k in f.keys()}
        captions = json.loads(f.metadata()["captions"])
    torch.set_grad_enabled(False)

    vocabulary = json.load(open(f"{folder}/tokenizer/vocab.json"))
    length = fixture["input_ids"].shape[1]
    ids = torch.tensor([tokenize(c, vocabulary, length) for c in captions])
    tokens_ok = torch.equal(ids, fixture["input_ids"].long())
    print(f"tokenizer: {'same ids' if tokens_ok else 'DIFFERENT ids'} for {len(captions)} captions {captions}")

    text_encoder, info = CLIPTextModel.from_pretrained(f"{folder}/text_encoder", dtype=torch.float32, output_loading_info=True)
    unet, unet_info = UNet2DConditionModel.from_pretrained(f"{folder}/unet", torch_dtype=torch.float32, output_loading_info=True)
    strict = True
    for component, loading in [("text_encoder", info), ("unet", unet_info)]:
        for kind in ["missing_keys", "unexpected_keys", "mismatched_keys", "error_msgs"]:
            if loading.get(kind):
                print(f"{component}: {kind}: {loading[kind]}")
                strict = False

    states = text_encoder.eval()(ids).last_hidden_state
    reference = fixture["encoder_hidden_states"]
    text_ok = compare("text encoder last_hidden_state", reference, states, reference.abs().max().item())
    output = unet.eval()(fixture["sample"], fixture["timestep"], encoder_hidden_states=states,
                         class_labels=fixture["class_labels"]).sample
    reference = fixture["unet_output"]
    unet_ok = compare("U-Net output", reference, output, reference.abs().max().item())
    ok = tokens_ok and strict and text_ok and unet_ok
    print("OK: diffusers and transformers reproduce dream3d" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
