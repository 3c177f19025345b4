#!/usr/bin/env python3
# make_fixtures.py — reference fixtures for Dream3DModelsTests (issue 5). Run by hand from the repository
# root (`python3 Tests/Fixtures/make_fixtures.py`) and commit what it writes; CI never runs it.
#
# Builds TINY RANDOM diffusers/transformers models (torch.manual_seed, no hub downloads) and writes, under
# Tests/Dream3DModelsTests/Fixtures/:
#   pipeline/               a diffusers pipeline folder: model_index.json, unet/ (SD-1.x-like: conv proj_in/
#                           proj_out), text_encoder/ (CLIPTextModel), tokenizer/ (a BPE vocabulary trained
#                           below, in CLIP's vocab.json + merges.txt format), vae/ (AutoencoderKL), scheduler/
#   unet_sd2/               SD-2.x-like U-Net: linear projection, per-block heads, class_embed_type "projection"
#   *_io.safetensors        inputs, reference outputs (and for the U-Nets the gradient of Σ w·output w.r.t.
#                           the input sample), with the library versions in the metadata
#   tokenizer_cases.json    prompts and the ids transformers' CLIPTokenizer gives them (padded to 77)
# Weights are rounded to float16 before the references are computed and stored as F16, which halves the
# fixture size and exercises the F16 widening path; every reference is computed in float32.
import json, os, platform, re, time
from collections import Counter

import torch, diffusers, transformers, tokenizers
from safetensors.torch import save_file
from diffusers import UNet2DConditionModel, AutoencoderKL, DDIMScheduler
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

OUT = "Tests/Dream3DModelsTests/Fixtures"
VERSIONS = {"torch": torch.__version__, "diffusers": diffusers.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__, "python": platform.python_version(), "script": "Tests/Fixtures/make_fixtures.py"}
print("versions:", VERSIONS)


def randomize(module, scale=0.05):
    """Perturb every parameter (norm weights away from 1, biases away from 0, zero-initialised layers away
    from 0) so that a swapped or skipped tensor shows in the outputs; then round to float16 values."""
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn_like(p) * scale)
            p.copy_(p.half().float())
    return module.eval()


def save_model(module, folder, weights_name):
    os.makedirs(folder, exist_ok=True)
    module.save_config(folder) if hasattr(module, "save_config") else module.config.to_json_file(f"{folder}/config.json")
    state = {k: v.detach().contiguous().half() for k, v in module.state_dict().items()}
    save_file(state, f"{folder}/{weights_name}", metadata={"format": "pt"})


def save_io(tensors, name, extra=None):
    meta = dict(VERSIONS, **(extra or {}))
    save_file({k: v.detach().float().contiguous() for k, v in tensors.items()}, f"{OUT}/{name}", metadata=meta)


# ---------------------------------------------------------------------------------------------- U-Nets
UNET_SD1 = dict(sample_size=16, in_channels=4, out_channels=4, block_out_channels=(32, 64), layers_per_block=1,
                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                cross_attention_dim=32, attention_head_dim=4, norm_num_groups=8, flip_sin_to_cos=False, freq_shift=1)
UNET_SD2 = dict(sample_size=16, in_channels=4, out_channels=4, block_out_channels=(32, 64, 64), layers_per_block=1,
                down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
                cross_attention_dim=32, attention_head_dim=(2, 4, 4), norm_num_groups=8, use_linear_projection=True,
                flip_sin_to_cos=True, freq_shift=0, class_embed_type="projection", projection_class_embeddings_input_dim=6)


def unet_fixture(config, folder, io_name, seed, with_class):
    torch.manual_seed(seed)
    unet = randomize(UNet2DConditionModel(**config))
    save_model(unet, folder, "diffusion_pytorch_model.safetensors")
    sample = torch.randn(2, 4, 16, 16, requires_grad=True)
    timestep = torch.tensor([37.0, 802.0])
    ehs = torch.randn(2, 7, 32)
    tensors = {"sample": sample, "timestep": timestep, "encoder_hidden_states": ehs}
    kwargs = {}
    if with_class:
        tensors["class_labels"] = kwargs["class_labels"] = torch.randn(2, 6)
    out = unet(sample, timestep, encoder_hidden_states=ehs, **kwargs).sample
    weights = torch.randn_like(out)
    (out * weights).sum().backward()
    tensors.update({"output": out, "output_weights": weights, "sample_grad": sample.grad})
    save_io(tensors, io_name)
    print(f"{folder}: {sum(p.numel() for p in unet.parameters())} parameters")
    return unet


unet_sd1 = unet_fixture(UNET_SD1, f"{OUT}/pipeline/unet", "unet_sd1_io.safetensors", 1, False)
unet_sd2 = unet_fixture(UNET_SD2, f"{OUT}/unet_sd2", "unet_sd2_io.safetensors", 2, True)

# ------------------------------------------------------------------------------------------ tokenizer
# A small CLIP-style byte-level BPE trained here: words are split with CLIP's pattern, each word is a
# sequence of byte-level symbols whose last carries "</w>", and the most frequent pair is merged repeatedly.
CORPUS = """a photo of a teddy bear sitting on a wooden chair
a red mushroom in the forest, highly detailed, 4k
a snowman wearing a blue scarf and a top hat
an astronaut riding a horse on the moon
a cute corgi dog playing with a ball in the park
a blue chair next to a round table
a yellow rubber duck floating in a bathtub
a castle on a hill at sunset, fantasy art
a robot made of shiny metal, studio lighting
the quick brown fox jumps over the lazy dog
a bowl of ramen with chopsticks, photorealistic
a green frog on a lily pad, macro photograph
an old lighthouse by the sea during a storm
a dragon flying over snowy mountains
a bicycle leaning against a brick wall
a cup of coffee with latte art on a saucer
a pineapple wearing sunglasses on the beach
a wooden toy train on a carpet
a vase of sunflowers, oil painting in the style of van gogh
a knight in shining armor holding a sword
a futuristic city skyline at night with neon lights
a small cottage in the woods covered with snow
a penguin standing on an iceberg
a hamburger with cheese, lettuce and tomato
an owl perched on a branch under the full moon
a treasure chest full of gold coins
a sports car racing on a track
a cat sleeping on a pile of books
a hot air balloon over a valley
a samurai helmet, 3d render, octane
it's a dog's life, isn't it? they're here, we've seen it, i'm sure you'll like it, he'd go
numbers 0 1 2 3 4 5 6 7 8 9 10 100 2024 3.14
""" * 3

BYTES = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))


def bytes_to_unicode():
    bs, cs, n = BYTES[:], BYTES[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))


def train_bpe(corpus, merges_wanted=400):
    b2u = bytes_to_unicode()
    pattern = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|[^\s\w]+|_+""", re.IGNORECASE)
    words = Counter()
    for word in pattern.findall(corpus.lower()):
        symbols = tuple(b2u[b] for b in word.encode("utf-8"))
        words[symbols[:-1] + (symbols[-1] + "</w>",)] += 1
    merges = []
    for _ in range(merges_wanted):
        pairs = Counter()
        for w, c in words.items():
            for pair in zip(w, w[1:]):
                pairs[pair] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        merges.append(best)
        merged = Counter()
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1]); i += 2
                else:
                    out.append(w[i]); i += 1
            merged[tuple(out)] += c
        words = merged
    vocab = list(b2u.values())
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    return {t: i for i, t in enumerate(vocab)}, merges


tok_dir = f"{OUT}/pipeline/tokenizer"
os.makedirs(tok_dir, exist_ok=True)
vocab, merges = train_bpe(CORPUS)
with open(f"{tok_dir}/vocab.json", "w", encoding="utf-8") as f:
    json.dump(vocab, f, ensure_ascii=False)
with open(f"{tok_dir}/merges.txt", "w", encoding="utf-8") as f:
    f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
tokenizer = CLIPTokenizer(vocab=vocab, merges=[tuple(m) for m in merges])
tokenizer.model_max_length = 77
tokenizer.save_pretrained(tok_dir)      # writes tokenizer_config.json (and vocab.json/merges.txt again)
for extra in ("tokenizer.json", "special_tokens_map.json"):
    if os.path.exists(f"{tok_dir}/{extra}"):
        os.remove(f"{tok_dir}/{extra}")
tokenizer = CLIPTokenizer.from_pretrained(tok_dir)    # the reference: read back from the files we commit
PROMPTS = [
    "a teddy bear", "A Teddy Bear", "  a   teddy\tbear \n", "", " ", "a red mushroom, highly detailed!!!",
    "it's a dog's life, isn't it?", "THEY'RE HERE; WE'VE SEEN IT: I'M SURE YOU'LL LIKE IT, HE'D GO",
    "3.14159 is pi, 2024-11-24, 1000000", "price: $12.99 (50% off) #deal @shop", "a café in paris, naïve art",
    "Ünïcödé façade — “smart quotes” and ‘single’", "日本の城 at night", "emoji 🐻🍄⛄ party", "crème brûlée",
    "zürich straße", "hello...world???", "a--b__c~~d", "snake_case_name and camelCaseName", "tab\tseparated\tvalues",
    "new\nline\r\nwindows", "x" * 100, "supercalifragilisticexpialidocious", "a photo of a cat " * 20,
    "ab'cd 'quoted' and \"double\"", "mixed123numbers456and789letters", "¡¿inverted punctuation?!", "ﬁne ligature ﬂ",
    "e\u0301 combining accent vs é", "Ωmega ΣIGMA straße İstanbul", "<html><body>tag soup</body></html>",
    "a, b; c: d. e! f? g", "   leading and trailing   ", "🐻" * 40, "the quick brown fox jumps over the lazy dog " * 3,
]
cases = [{"prompt": p, "ids": tokenizer(p, padding="max_length", max_length=77, truncation=True).input_ids} for p in PROMPTS]
with open(f"{OUT}/tokenizer_cases.json", "w", encoding="utf-8") as f:
    json.dump({"versions": VERSIONS, "cases": cases}, f, ensure_ascii=False, indent=0)

# --------------------------------------------------------------------------------------- text encoder
torch.manual_seed(3)
clip_config = CLIPTextConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                             num_attention_heads=4, max_position_embeddings=77, hidden_act="quick_gelu",
                             bos_token_id=vocab["<|startoftext|>"], eos_token_id=vocab["<|endoftext|>"], pad_token_id=1)
text_encoder = randomize(CLIPTextModel(clip_config))
te_dir = f"{OUT}/pipeline/text_encoder"
os.makedirs(te_dir, exist_ok=True)
clip_config.to_json_file(f"{te_dir}/config.json")
save_file({k: v.detach().contiguous().half() for k, v in text_encoder.state_dict().items()},
          f"{te_dir}/model.safetensors", metadata={"format": "pt"})
ids = torch.tensor([cases[0]["ids"], cases[5]["ids"]])
with torch.no_grad():
    hidden = text_encoder(ids).last_hidden_state
save_io({"input_ids": ids.float(), "last_hidden_state": hidden}, "clip_io.safetensors")
# the same model with exact GELU, to check hidden_act "gelu" (weights shared; only the config differs)
gelu_config = CLIPTextConfig(**{**clip_config.to_dict(), "hidden_act": "gelu"})
gelu_encoder = CLIPTextModel(gelu_config).eval()
gelu_encoder.load_state_dict(text_encoder.state_dict())
with torch.no_grad():
    save_io({"input_ids": ids.float(), "last_hidden_state": gelu_encoder(ids).last_hidden_state}, "clip_gelu_io.safetensors")

# ------------------------------------------------------------------------------------------------ VAE
torch.manual_seed(4)
vae = randomize(AutoencoderKL(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 2,
                              up_block_types=("UpDecoderBlock2D",) * 2, block_out_channels=(16, 32), layers_per_block=1,
                              latent_channels=4, norm_num_groups=8, sample_size=16))
save_model(vae, f"{OUT}/pipeline/vae", "diffusion_pytorch_model.safetensors")
image = torch.rand(1, 3, 16, 16) * 2 - 1
latents = torch.randn(1, 4, 8, 8)
with torch.no_grad():
    mean = vae.encode(image).latent_dist.mean
    decoded = vae.decode(latents).sample
save_io({"image": image, "latent_mean": mean, "latents": latents, "decoded": decoded}, "vae_io.safetensors")

# ------------------------------------------------------------------------------------- scheduler, DDIM
scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                          set_alpha_to_one=False, steps_offset=1, timestep_spacing="leading", prediction_type="epsilon")
scheduler.save_config(f"{OUT}/pipeline/scheduler")
torch.manual_seed(5)
noise = torch.randn(1, 4, 16, 16)
cond, uncond = torch.randn(1, 7, 32), torch.randn(1, 7, 32)
guidance = 7.5
scheduler.set_timesteps(4)
latents = noise * scheduler.init_noise_sigma
with torch.no_grad():
    for t in scheduler.timesteps:
        eps_u, eps_c = unet_sd1(torch.cat([latents] * 2), t, encoder_hidden_states=torch.cat([uncond, cond])).sample.chunk(2)
        latents = scheduler.step(eps_u + guidance * (eps_c - eps_u), t, latents).prev_sample
save_io({"noise": noise, "cond": cond, "uncond": uncond, "timesteps": scheduler.timesteps.float(), "result": latents,
         "alphas_cumprod": scheduler.alphas_cumprod}, "ddim_io.safetensors",
        {"guidance_scale": str(guidance), "num_inference_steps": "4"})
# v-prediction, "trailing" spacing, set_alpha_to_one, on the SD-2.x-like U-Net with class labels
v_scheduler = DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, clip_sample=False,
                            set_alpha_to_one=True, timestep_spacing="trailing", prediction_type="v_prediction")
v_scheduler.set_timesteps(3)
labels = torch.randn(1, 6)
latents = noise.clone()
with torch.no_grad():
    for t in v_scheduler.timesteps:
        v_u, v_c = unet_sd2(torch.cat([latents] * 2), t, encoder_hidden_states=torch.cat([uncond, cond]),
                            class_labels=torch.cat([labels] * 2)).sample.chunk(2)
        latents = v_scheduler.step(v_u + 3.0 * (v_c - v_u), t, latents).prev_sample
save_io({"noise": noise, "cond": cond, "uncond": uncond, "class_labels": labels, "timesteps": v_scheduler.timesteps.float(),
         "result": latents}, "ddim_v_io.safetensors", {"guidance_scale": "3.0", "num_inference_steps": "3", "config": json.dumps(dict(v_scheduler.config))})
# the other beta schedules, for the schedule test
for schedule in ("linear", "squaredcos_cap_v2"):
    s = DDIMScheduler(beta_schedule=schedule)
    save_io({"alphas_cumprod": s.alphas_cumprod}, f"schedule_{schedule}.safetensors")

with open(f"{OUT}/pipeline/model_index.json", "w") as f:
    json.dump({"_class_name": "StableDiffusionPipeline", "_diffusers_version": diffusers.__version__,
               "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
               "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet2DConditionModel"],
               "vae": ["diffusers", "AutoencoderKL"], "safety_checker": [None, None],
               "feature_extractor": [None, None], "requires_safety_checker": False}, f, indent=2)
# ----------------------------------------------------------------------------------------------- LoRA
# peft LoRA (r 4, alpha 8) on to_q/to_k/to_v/to_out.0 of the SD-1.x-like U-Net, lora_B made non-zero, saved
# with diffusers' save_lora_weights (keys "unet.….to_q.lora_A.weight"), and the adapted U-Net's output.
from peft import LoraConfig
from peft.utils import get_peft_model_state_dict
from diffusers import StableDiffusionPipeline
torch.manual_seed(6)
unet_sd1.add_adapter(LoraConfig(r=4, lora_alpha=8, init_lora_weights="gaussian", target_modules=["to_q", "to_k", "to_v", "to_out.0"]))
with torch.no_grad():
    for name, p in unet_sd1.named_parameters():
        if "lora_B" in name:
            p.copy_((torch.randn_like(p) * 0.1).half().float())
        elif "lora_A" in name:
            p.copy_(p.half().float())
StableDiffusionPipeline.save_lora_weights(f"{OUT}/lora", unet_lora_layers=get_peft_model_state_dict(unet_sd1),
                                          unet_lora_adapter_metadata=unet_sd1.peft_config["default"].to_dict(),
                                          weight_name="pytorch_lora_weights.safetensors")
io = __import__("safetensors.torch", fromlist=["load_file"]).load_file(f"{OUT}/unet_sd1_io.safetensors")
with torch.no_grad():
    lora_out = unet_sd1(io["sample"], io["timestep"], encoder_hidden_states=io["encoder_hidden_states"]).sample
save_io({"output": lora_out}, "unet_sd1_lora_io.safetensors", {"rank": "4", "alpha": "8", "peft": __import__("peft").__version__})
print("done")
