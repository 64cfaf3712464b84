#!/usr/bin/env python3
"""Writes untrained_lora/: the adapter PEFT saves right after get_peft_model(), before any training step.

PEFT initialises lora_A randomly (Kaiming-uniform) and lora_B to zeros, and save_pretrained() writes them as they
are, so such an adapter merges into an exact copy of its base. Published adapters like this exist. This copies the
golden llama_bf16_qv adapter (made by PEFT; base: ../golden/llama_bf16_qv/base) and zeroes every lora_B tensor,
keeping the header, the dtypes and lora_A byte for byte. Standard library only; run from this folder.
"""
import json
import os
import shutil
import struct

SOURCE = "../golden/llama_bf16_qv/adapter"
TARGET = "untrained_lora/adapter"

os.makedirs(TARGET, exist_ok=True)
shutil.copyfile(os.path.join(SOURCE, "adapter_config.json"), os.path.join(TARGET, "adapter_config.json"))
with open(os.path.join(SOURCE, "adapter_model.safetensors"), "rb") as f:
    data = bytearray(f.read())
header_size = struct.unpack("<Q", data[:8])[0]
header = json.loads(data[8 : 8 + header_size])
zeroed = 0
for name, info in header.items():
    if name != "__metadata__" and ".lora_B." in name:
        begin, end = info["data_offsets"]
        data[8 + header_size + begin : 8 + header_size + end] = bytes(end - begin)
        zeroed += 1
with open(os.path.join(TARGET, "adapter_model.safetensors"), "wb") as f:
    f.write(data)
print(f"zeroed {zeroed} lora_B tensors into {TARGET}")
