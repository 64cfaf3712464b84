#!/usr/bin/env python3
"""Writes a TinyLlama-1.1B-shaped bf16 base model (three shards + index, config, tokenizer files) and an r=16 LoRA
on all seven linear projections, for bench/merge. Standard library only; deterministic (seeded).

Values are random but tame (|w| in about [2^-7, 2^-5), no NaN, Inf or subnormals), so the merge does the same
arithmetic as on real weights.

The tokenizer is a byte-level BPE of VOCAB tokens with Llama-3's pre-tokenizer (256 byte tokens, merges that build
longer tokens from them, two special tokens at the end), so the model also exports to GGUF with its tokenizer.

usage: generate_tinyllama.py OUTDIR                  (creates OUTDIR/base and OUTDIR/adapter)
       generate_tinyllama.py --tokenizer-only OUTDIR (rewrites only the tokenizer files of OUTDIR/base)
"""
import json
import os
import random
import struct
import sys

HIDDEN, INTERMEDIATE, LAYERS, HEADS, KV_HEADS, VOCAB, RANK = 2048, 5632, 22, 32, 4, 32000, 16
HEAD_DIM = HIDDEN // HEADS
CHUNK = 16 << 20

# Byte tables that force a sane exponent into random bits: keep the sign, set the top exponent bits.
BF16_HIGH = bytes((b & 0x80) | 0x3C | (b & 0x01) for b in range(256))  # bf16 high byte: 2^-7 .. 2^-5
F32_HIGH = bytes((b & 0x80) | 0x3C | (b & 0x01) for b in range(256))   # f32 top byte: same range


def tame(data, width):
    """Random bytes -> floats of `width` bytes with a fixed exponent range (little-endian: top byte last)."""
    buf = bytearray(data)
    top = width - 1
    buf[top::width] = bytes(buf[top::width]).translate(BF16_HIGH if width == 2 else F32_HIGH)
    if width == 4:
        buf[2::4] = bytes(buf[2::4]).translate(bytes(b | 0x80 for b in range(256)))  # exponent lsb set: no subnormals
    return buf


LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
                r"\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>"]


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def write_tokenizer(base):
    """tokenizer.json + tokenizer_config.json: tokens grow one printable character at a time, shortest first."""
    alphabet = bytes_to_unicode()
    tokens = [alphabet[b] for b in range(256)]
    printable = [alphabet[b] for b in range(32, 127)]
    merges, frontier = [], list(printable)
    while len(tokens) < VOCAB - len(SPECIALS):
        grown = []
        for left in frontier:
            for right in printable:
                if len(tokens) == VOCAB - len(SPECIALS):
                    break
                merges.append(left + " " + right)
                tokens.append(left + right)
                grown.append(left + right)
        frontier = grown
    added = [{"id": len(tokens) + i, "content": text, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, text in enumerate(SPECIALS)]
    tokenizer = {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_SPLIT}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                  "vocab": {t: i for i, t in enumerate(tokens)}, "merges": merges},
    }
    with open(os.path.join(base, "tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(tokenizer, ensure_ascii=False) + "\n")
    config = {"model_max_length": 2048, "chat_template": "{{ messages }}", "bos_token": SPECIALS[0],
              "eos_token": SPECIALS[1], "tokenizer_class": "PreTrainedTokenizerFast"}
    with open(os.path.join(base, "tokenizer_config.json"), "w") as f:
        f.write(json.dumps(config, indent=2) + "\n")


def base_tensors():
    """(name, shape) in transformers' registration order."""
    out = [("model.embed_tokens.weight", [VOCAB, HIDDEN])]
    for i in range(LAYERS):
        p = f"model.layers.{i}."
        out += [
            (p + "self_attn.q_proj.weight", [HEADS * HEAD_DIM, HIDDEN]),
            (p + "self_attn.k_proj.weight", [KV_HEADS * HEAD_DIM, HIDDEN]),
            (p + "self_attn.v_proj.weight", [KV_HEADS * HEAD_DIM, HIDDEN]),
            (p + "self_attn.o_proj.weight", [HIDDEN, HEADS * HEAD_DIM]),
            (p + "mlp.gate_proj.weight", [INTERMEDIATE, HIDDEN]),
            (p + "mlp.up_proj.weight", [INTERMEDIATE, HIDDEN]),
            (p + "mlp.down_proj.weight", [HIDDEN, INTERMEDIATE]),
            (p + "input_layernorm.weight", [HIDDEN]),
            (p + "post_attention_layernorm.weight", [HIDDEN]),
        ]
    out += [("model.norm.weight", [HIDDEN]), ("lm_head.weight", [VOCAB, HIDDEN])]
    return out


def numel(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def write_safetensors(path, tensors, dtype, width, rng):
    """tensors: list of (name, shape); data random. Layout as the reference writer: name order within one dtype."""
    tensors = sorted(tensors)
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape in tensors:
        size = numel(shape) * width
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape in tensors:
            left = numel(shape) * width
            while left:
                n = min(CHUNK, left)
                f.write(tame(rng.randbytes(n), width))
                left -= n
    return offset


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--tokenizer-only":
        write_tokenizer(os.path.join(sys.argv[2], "base"))
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    base, adapter = os.path.join(root, "base"), os.path.join(root, "adapter")
    os.makedirs(base, exist_ok=True)
    os.makedirs(adapter, exist_ok=True)
    rng = random.Random(20240601)

    # Three shards, split greedily in registration order at a third of the bytes each.
    tensors = base_tensors()
    total = sum(numel(s) * 2 for _, s in tensors)
    shards, current, size = [], [], 0
    for name, shape in tensors:
        if current and size + numel(shape) * 2 > total / 3 + 1 and len(shards) < 2:
            shards.append(current)
            current, size = [], 0
        current.append((name, shape))
        size += numel(shape) * 2
    shards.append(current)
    weight_map = {}
    for i, shard in enumerate(shards):
        fname = f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors"
        write_safetensors(os.path.join(base, fname), shard, "BF16", 2, rng)
        for name, _ in shard:
            weight_map[name] = fname
    index = {"metadata": {"total_size": total}, "weight_map": weight_map}
    with open(os.path.join(base, "model.safetensors.index.json"), "w") as f:
        f.write(json.dumps(index, indent=2, sort_keys=True) + "\n")
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": HIDDEN,
        "intermediate_size": INTERMEDIATE, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS, "vocab_size": VOCAB, "max_position_embeddings": 2048,
        "rms_norm_eps": 1e-05, "tie_word_embeddings": False, "hidden_act": "silu", "bos_token_id": VOCAB - 2,
        "eos_token_id": VOCAB - 1, "torch_dtype": "bfloat16",
    }
    with open(os.path.join(base, "config.json"), "w") as f:
        f.write(json.dumps(config, indent=2, sort_keys=True) + "\n")
    with open(os.path.join(base, "generation_config.json"), "w") as f:
        f.write(json.dumps({"bos_token_id": VOCAB - 2, "eos_token_id": VOCAB - 1, "max_length": 2048}, indent=2) +
                "\n")
    write_tokenizer(base)

    # The adapter: fp32 factors (what PEFT saves after autocast), r=16 on q/k/v/o/gate/up/down.
    shapes = dict(tensors)
    lora = []
    for i in range(LAYERS):
        for module in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                       "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]:
            out_f, in_f = shapes[f"model.layers.{i}.{module}.weight"]
            key = f"base_model.model.model.layers.{i}.{module}"
            lora += [(key + ".lora_A.weight", [RANK, in_f]), (key + ".lora_B.weight", [out_f, RANK])]
    write_safetensors(os.path.join(adapter, "adapter_model.safetensors"), lora, "F32", 4, rng)
    adapter_config = {
        "base_model_name_or_path": "TinyLlama/TinyLlama-1.1B-Chat-v1.0", "bias": "none", "fan_in_fan_out": False,
        "inference_mode": True, "init_lora_weights": True, "lora_alpha": 32, "lora_dropout": 0.05,
        "modules_to_save": None, "peft_type": "LORA", "r": RANK, "rank_pattern": {}, "alpha_pattern": {},
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False,
    }
    with open(os.path.join(adapter, "adapter_config.json"), "w") as f:
        f.write(json.dumps(adapter_config, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
