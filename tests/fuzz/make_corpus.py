#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from tests/data and a few hand-written
samples. Deterministic: rerunning rewrites the same files. Usage: tests/fuzz/make_corpus.py"""
import hashlib
import json
import os
import re
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
SRC = HERE.parent.parent / "src"
CORPUS = HERE / "corpus"
MAX_SEED = 64 * 1024  # larger files are cut: the fuzzer's inputs stay small and fast


def put(target, content, max_len=MAX_SEED):
    if isinstance(content, str):
        content = content.encode()
    content = content[:max_len]
    out = CORPUS / target
    out.mkdir(parents=True, exist_ok=True)
    (out / hashlib.sha1(content).hexdigest()[:16]).write_bytes(content)


def header_bytes(path):
    raw = path.read_bytes()
    n = struct.unpack("<Q", raw[:8])[0]
    return raw[: 8 + n], len(raw)


def golden_cases():
    return sorted(p for p in (DATA / "golden").iterdir() if (p / "base").is_dir())


def safetensors_header():
    for case in golden_cases():
        for f in [case / "adapter" / "adapter_model.safetensors", *sorted((case / "base").glob("*.safetensors"))]:
            raw = f.read_bytes()
            if len(raw) <= MAX_SEED:
                put("safetensors_header", raw)
            else:
                # Header only, with the tensors shrunk to empty ranges so it still lays out a whole file.
                hdr, _ = header_bytes(f)
                meta = json.loads(hdr[8:])
                for k, v in meta.items():
                    if k != "__metadata__":
                        v["data_offsets"] = [0, 0]
                        v["shape"] = [0] * len(v["shape"])
                text = json.dumps(meta).encode()
                put("safetensors_header", struct.pack("<Q", len(text)) + text)


def adapter_plan():
    for index, case in enumerate(golden_cases()):
        config = (case / "adapter" / "adapter_config.json").read_bytes()
        hdr, size = header_bytes(case / "adapter" / "adapter_model.safetensors")
        put("adapter_plan", bytes([index]) + config + b"\n@@\n" + struct.pack("<Q", size) + hdr, 1 << 20)
        put("adapter_plan", bytes([index]) + config)
    for config in sorted(DATA.glob("realworld/*/adapter_config.json"))[:24]:
        put("adapter_plan", b"\x00" + config.read_bytes())


def deployment_template():
    demo = (SRC / "core" / "workflow" / "DemoGenerator.cpp").read_text()
    match = re.search(r'TemplateText = R"\((.*?)\)";', demo, re.S)
    if match:
        put("deployment_template", match.group(1))
    samples = [
        "{{ .Prompt }}",
        "# comment\n\n{{- if .System }}{{ .System }}{{ end }}\n{{ .Prompt }}",
        'FROM llama3\nTEMPLATE """{{ .System }}\nUSER: "{{ .Prompt }}"\nASSISTANT: """\nSYSTEM " spaced "\n',
        'PARAMETER stop "<|im_end|>"\nPARAMETER stop <|im_start|>\nPARAMETER temperature 0.2\n'
        "PARAMETER num_ctx 4096\nPARAMETER use_mmap true\nPARAMETER penalize_newline true\n",
        "MESSAGE user hello\nMESSAGE assistant \"hi there\"\nLICENSE \"\"\"MIT\nlicense\"\"\"\nLICENSE Apache-2.0\n",
        'system """unterminated\n',
        "PARAMETER top_k notanumber\n",
        "ADAPTER ./lora\nPARSER qwen3\nRENDERER qwen3\nREQUIRES 0.12.0\nDRAFT x\n",
        "temperature=0.7",
        'stop="<|eot_id|>"',
        "\tTEMPLATE\t{{ .Prompt }}\r\nSYSTEM\tterse\r\n",
    ]
    for sample in samples:
        put("deployment_template", sample)
    for jinja in sorted(DATA.glob("realworld/*/chat_template.jinja"))[:6]:
        put("deployment_template", jinja.read_bytes())


def ollama_response():
    create = b"\x00\x00\x40"  # create, HTTP 200, chunks of 17 bytes
    lines = [
        {"status": "parsing modelfile"},
        {"status": "converting model"},
        {"status": "quantizing F16 model to Q4_K_M", "digest": "0", "total": 1000, "completed": 500},
        {"status": "using existing layer sha256:" + "a" * 64},
        {"status": "writing manifest"},
        {"status": "success"},
    ]
    ndjson = b"".join(json.dumps(l).encode() + b"\n" for l in lines)
    put("ollama_response", create + ndjson)
    put("ollama_response", b"\x00\x00\x02" + ndjson[: len(ndjson) // 2])  # dropped mid-line
    put("ollama_response", b"\x00\x00\x00" + b'{"status":"converting model"}\n{"error":"unsupported architecture"}\n')
    put("ollama_response", b"\x00\x06\x00" + b'{"error":"neither \'from\' or \'files\' was specified"}')
    put("ollama_response", b"\x00\x00\x01" + b"<html><body>captive portal</body></html>")
    put("ollama_response", b"\x00\x05\x00")  # 403 with an empty body: the Host check
    put("ollama_response", b"\x00\x00\x00" + b'{"status":"success"}')  # no final newline
    put("ollama_response", b"\x01\x00\x00" + json.dumps({"models": [{"name": "m:latest", "size": 1}]}).encode())
    put("ollama_response", b"\x02\x00\x00" + b'{"version":"0.12.6"}')
    put("ollama_response", b"\x06\x00\x00" + b'{"version":"0.5.4"}')
    put("ollama_response", b"\x03\x04\x00" + b'{"error":"model \'m\' not found"}')
    put("ollama_response", b"\x04\x00\x00")
    put("ollama_response", b"\x05\x04\x00")


def chat_line():
    def line(**fields):
        return json.dumps(fields).encode() + b"\n"

    chat = [line(model="m", created_at="2026-01-01T00:00:00Z", message={"role": "assistant", "content": w}, done=False)
            for w in ("Hello", " there")]
    final = line(model="m", created_at="2026-01-01T00:00:00Z", message={"role": "assistant", "content": ""},
                 done_reason="stop", done=True, total_duration=5000, load_duration=1000, prompt_eval_count=3,
                 prompt_eval_duration=1000, eval_count=2, eval_duration=3000)
    put("chat_line", b"\x00" + b"".join(chat) + final)
    put("chat_line", b"\x01" + line(model="m", response=" hi", done=False) +
        line(model="m", response="", done=True, done_reason="length", context=[1, 2], eval_count=64,
             eval_duration=640000000))
    put("chat_line", b"\x00" + chat[0] + line(error="model requires more system memory"))
    put("chat_line", b"\x00" + chat[0] + final[: len(final) // 2])  # cut mid-line
    # Wrong types and untrusted numbers.
    put("chat_line", b"\x00" + b'{"message":{"content":7},"done":"yes","eval_count":"x"}\n[1,2]\n{"message":null}\n\n'
        b'{"done":true,"eval_count":1e300,"eval_duration":-4}\n{"done":true,"eval_count":0.5,"eval_duration":1e-9}\n')


def evaluation_prompts():
    put("evaluation_prompts", '{"prompt": "one", "expected": "You said: one"}\n{"prompt": "two", "system": "Be brief."}\n'
        '\n{"prompt": "three"}\r\n')
    put("evaluation_prompts", '{"prompt": "one"}\n{"prompt": 3}\n')
    put("evaluation_prompts", '{"prompt": "a", "answer": "b"}\n')
    put("evaluation_prompts", '{"system": "s"}\n{"prompt": ""}\n')
    put("evaluation_prompts", 'not json\n[1, 2]\n{"prompt": "\\u00e9t\\u00e9"}')
    put("evaluation_prompts", " \n\t\r\n")


def training_metadata():
    def each(pattern, selector, limit=8):
        for f in sorted(DATA.glob(pattern))[:limit]:
            put("training_metadata", bytes([selector]) + f.read_bytes())

    each("realworld/**/trainer_state.json", 0)
    each("realworld/**/training_args.yaml", 1)
    each("realworld/**/training_args.json", 2)
    each("realworld/*/README.md", 3, 12)
    each("realworld/*/adapter_config.json", 4)
    each("golden/*/base/config.json", 5, 4)
    each("realworld/*/config.json", 5, 4)
    each("realworld/**/*results.json", 6)
    each("realworld/**/trainer_state.json", 7, 2)
    for card in sorted(HERE.glob("seeds/model_card*.json")):
        put("training_metadata", bytes([8]) + card.read_bytes())
    put("training_metadata", b"\x03---\nlicense: mit\nbase_model: [a, b]\ntags: x\n---\nbody\n")
    put("training_metadata", b"\x03---\n: : bad yaml [\n---\n")


def http_request_parser():
    def put_http(text, piece=0, cap=0):
        put("http_request_parser", bytes([piece, cap]) + text)

    put_http(b"GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    put_http(b"HEAD /api/blobs/sha256:00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 3)
    put_http(b"POST /api/blobs/sha256:ab HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", 7, 130)
    put_http(b"POST /api/create HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"5;ext=1\r\nhello\r\n0\r\nX-Trailer: y\r\n\r\n", 5, 129)
    put_http(b"GET / HTTP/1.0\r\n\r\nGET /api/tags HTTP/1.1\r\nHost: a\r\n\r\n\r\nDELETE /api/delete HTTP/1.1\r\n"
             b"Host: a\r\nContent-Length: 13\r\n\r\n{\"model\":\"m\"}")
    put_http(b"GET / HTTP/2.0\r\nHost: a\r\n\r\n")
    put_http(b"POST / HTTP/1.1\nHost: a\nContent-Length: 3\nContent-Length: 4\n\nabc")
    put_http(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")


def tokenizer_json():
    # byte 0: the path (0/1 in memory, without/with merges.txt; 2/6 a llama folder with/without a
    # tokenizer_config.json, 3 a qwen2 folder with one), bytes 1-2: the embedding rows (0: the tokenizer's own size), then tokenizer.json.
    def put_tokenizer(path, rows, text):
        put("tokenizer_json", bytes([path]) + struct.pack("<H", rows) + text, 1 << 20)

    tokenizers = DATA / "tokenizers"
    for name, rows, paths in (("llama3-bpe", 800, (0, 2, 3, 6)), ("qwen2-bpe", 896, (0, 3)), ("llama-spm", 1000, (2, 6))):
        text = (tokenizers / name / "tokenizer.json").read_bytes()
        for path in paths:
            put_tokenizer(path, rows, text)
    put_tokenizer(0, 799, (tokenizers / "llama3-bpe" / "tokenizer.json").read_bytes())  # a row short: refused
    # The demo's shape (gpt-2: a plain ByteLevel pre-tokenizer), tiny, with ["a","b"] merges holding a space.
    byte_level = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tiny = {
        "added_tokens": [{"id": 5, "content": "<|eot_id|>", "special": True},
                         {"id": 6, "content": "\u2581x", "special": False}],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": byte_level,
        "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|eot_id|>"}},
                                                                    {"Sequence": {"id": "A"}}]},
        "decoder": byte_level,
        "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "a b": 3, "\u0120": 4},
                  "merges": [["a", "b"], ["a ", "b"]]},
    }
    for path in (0, 2, 3):
        put_tokenizer(path, 8, json.dumps(tiny).encode())
    tekken = dict(tiny)
    tekken["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|"
                                                r"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|"
                                                r"\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"},
         "behavior": "Isolated", "invert": False},
        dict(byte_level, use_regex=False)]}
    tekken["model"] = dict(tiny["model"], merges=["a b"])
    put_tokenizer(0, 0, json.dumps(tekken).encode())
    unknown = dict(tiny, pre_tokenizer={"type": "Whitespace"})
    put_tokenizer(0, 0, json.dumps(unknown).encode())
    put_tokenizer(1, 0, json.dumps(dict(tiny, model=dict(tiny["model"], merges=[]))).encode())
    put_tokenizer(0, 0, b'{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [1, 2]}, "pre_tokenizer": null}')
    put_tokenizer(0, 0, b'{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}')
    put_tokenizer(0, 0, b'{"model": {"type": "BPE", ')


def gguf_header():
    """Hand-built GGUF v3 files (little-endian, ggml/src/gguf.cpp's layout): valid ones of every value and tensor
    type, and a few that break one rule each."""

    def string(text):
        data = text.encode()
        return struct.pack("<Q", len(data)) + data

    scalar = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}

    def value(kind, v):
        if kind == 8:
            return string(v)
        return struct.pack(scalar[kind], v)

    def kv(key, kind, v, element=None):
        out = string(key) + struct.pack("<I", kind)
        if kind == 9:
            out += struct.pack("<IQ", element, len(v)) + b"".join(value(element, x) for x in v)
        else:
            out += value(kind, v)
        return out

    sizes = {0: (1, 4), 1: (1, 2), 8: (32, 34), 30: (1, 2)}

    def gguf(kvs, tensors, alignment=32, offsets=None, cut=None, version=3):
        head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(kvs)) + b"".join(kvs)
        offset, data = 0, b""
        for i, (name, ne, kind) in enumerate(tensors):
            block, size = sizes[kind]
            nbytes = ne[0] // block * size
            for n in ne[1:]:
                nbytes *= n
            at = offsets[i] if offsets else offset
            head += string(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", n) for n in ne)
            head += struct.pack("<IQ", kind, at)
            padded = (nbytes + alignment - 1) // alignment * alignment
            data += bytes(range(256)) * (nbytes // 256) + bytes(nbytes % 256) + bytes(padded - nbytes)
            offset += padded
        head += bytes((alignment - len(head) % alignment) % alignment)
        return (head + data)[:cut]

    llama = [kv("general.architecture", 8, "llama"), kv("general.name", 8, "tiny"), kv("llama.block_count", 4, 1),
             kv("llama.rope.freq_base", 6, 10000.0), kv("tokenizer.ggml.tokens", 9, ["<s>", "Ġthe", "a"], 8),
             kv("tokenizer.ggml.token_type", 9, [3, 1, 1], 5), kv("tokenizer.ggml.add_bos_token", 7, True)]
    tensors = [("token_embd.weight", [64, 3], 8), ("output_norm.weight", [64], 0), ("blk.0.attn_q.weight", [64, 2], 30),
               ("blk.0.ffn_down.weight", [3, 2], 1)]
    put("gguf_header", gguf([], []))
    put("gguf_header", gguf(llama, tensors))
    put("gguf_header", gguf(llama + [kv("general.alignment", 4, 64)], tensors, alignment=64))
    every = [kv("u8", 0, 250), kv("i8", 1, -3), kv("u16", 2, 65000), kv("i16", 3, -300), kv("u32", 4, 7),
             kv("i32", 5, -7), kv("f32", 6, 0.5), kv("bool", 7, False), kv("str", 8, "Grüße"), kv("u64", 10, 1 << 40),
             kv("i64", 11, -(1 << 40)), kv("f64", 12, 2.5), kv("f32s", 9, [1.0, -1000.0], 6), kv("empty", 9, [], 4)]
    put("gguf_header", gguf(every, [("t", [1, 1, 1, 4], 0)]))
    put("gguf_header", gguf(llama, tensors, cut=len(gguf(llama, tensors)) // 2))  # truncated
    put("gguf_header", gguf(llama, tensors, offsets=[0, 64, 96, 160]))  # an offset the runtime rejects
    put("gguf_header", gguf(llama, tensors, version=2))
    put("gguf_header", gguf(llama + [llama[0]], tensors))  # a duplicate key
    put("gguf_header", gguf(llama, [("token_embd.weight", [40, 3], 8)]))  # a row that is not whole Q8_0 blocks


def main():
    for fn in (safetensors_header, adapter_plan, deployment_template, ollama_response, chat_line, evaluation_prompts,
               training_metadata, http_request_parser, tokenizer_json, gguf_header):
        fn()
    for target in sorted(CORPUS.iterdir()):
        files = list(target.iterdir())
        print(f"{target.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
