#pragma once

// Tiny Hugging Face model folders for the export tests: config.json and model.safetensors (written with the merge
// layer's safetensors writer) with each architecture's tensor names and shapes and deterministic values.
#include "deepext/merge/Dtype.h"
#include "deepext/merge/SafeTensorsFile.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace deepext::test {

struct TinyModelSpec
{
    std::string architecture = "LlamaForCausalLM";
    std::uint64_t hidden = 64;
    std::uint64_t layers = 2;
    std::uint64_t heads = 4;
    std::uint64_t kvHeads = 2;
    std::uint64_t headDim = 0; // 0: hidden / heads, not written to config.json
    std::uint64_t intermediate = 96;
    std::uint64_t vocab = 128;
    Dtype dtype = Dtype::BF16;
    bool tied = false;
    bool qkvBias = false;
    nlohmann::json extraConfig = nlohmann::json::object(); // merged over the generated config.json
};

inline std::uint64_t headDimOf(const TinyModelSpec& spec)
{
    return spec.headDim ? spec.headDim : spec.hidden / spec.heads;
}

// (name, shape) of every tensor, in the order the writer is given them.
inline std::vector<std::pair<std::string, std::vector<std::int64_t>>> tinyTensors(const TinyModelSpec& spec)
{
    const auto E = static_cast<std::int64_t>(spec.hidden);
    const auto D = static_cast<std::int64_t>(headDimOf(spec));
    const auto Q = static_cast<std::int64_t>(spec.heads) * D;
    const auto K = static_cast<std::int64_t>(spec.kvHeads) * D;
    const auto F = static_cast<std::int64_t>(spec.intermediate);
    const auto V = static_cast<std::int64_t>(spec.vocab);
    const std::string& a = spec.architecture;
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> out = {{"model.embed_tokens.weight", {V, E}}};
    for (std::uint64_t i = 0; i < spec.layers; ++i) {
        const std::string p = "model.layers." + std::to_string(i) + ".";
        out.push_back({p + "input_layernorm.weight", {E}});
        if (a == "Phi3ForCausalLM") {
            out.push_back({p + "self_attn.qkv_proj.weight", {Q + 2 * K, E}});
        } else {
            out.push_back({p + "self_attn.q_proj.weight", {Q, E}});
            out.push_back({p + "self_attn.k_proj.weight", {K, E}});
            out.push_back({p + "self_attn.v_proj.weight", {K, E}});
            if (spec.qkvBias) {
                out.push_back({p + "self_attn.q_proj.bias", {Q}});
                out.push_back({p + "self_attn.k_proj.bias", {K}});
                out.push_back({p + "self_attn.v_proj.bias", {K}});
            }
        }
        out.push_back({p + "self_attn.o_proj.weight", {E, Q}});
        if (a == "Qwen3ForCausalLM") {
            out.push_back({p + "self_attn.q_norm.weight", {D}});
            out.push_back({p + "self_attn.k_norm.weight", {D}});
        }
        out.push_back({p + "post_attention_layernorm.weight", {E}});
        if (a == "Gemma2ForCausalLM") {
            out.push_back({p + "pre_feedforward_layernorm.weight", {E}});
            out.push_back({p + "post_feedforward_layernorm.weight", {E}});
        }
        if (a == "Phi3ForCausalLM") {
            out.push_back({p + "mlp.gate_up_proj.weight", {2 * F, E}});
        } else {
            out.push_back({p + "mlp.gate_proj.weight", {F, E}});
            out.push_back({p + "mlp.up_proj.weight", {F, E}});
        }
        out.push_back({p + "mlp.down_proj.weight", {E, F}});
        out.push_back({p + "self_attn.rotary_emb.inv_freq", {D / 2}}); // old checkpoints have it; dropped
    }
    out.push_back({"model.norm.weight", {E}});
    if (!spec.tied) {
        out.push_back({"lm_head.weight", {V, E}});
    }
    return out;
}

// A deterministic value for element `i` of the tensor numbered `t`: varied signs and magnitudes.
inline float tinyValue(std::size_t t, std::size_t i)
{
    const double x = std::sin(static_cast<double>(t * 7919 + i) * 0.61803398875) * 0.05;
    return static_cast<float>(x + (i % 17 == 0 ? 0.25 : 0.0));
}

inline std::vector<std::uint8_t> encode(Dtype dtype, const std::vector<float>& values)
{
    std::vector<std::uint8_t> bytes(values.size() * dtypeBits(dtype) / 8);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (dtype == Dtype::F32) {
            std::memcpy(bytes.data() + 4 * i, &values[i], 4);
        } else {
            const std::uint16_t bits = dtype == Dtype::BF16 ? floatToBf16(values[i]) : floatToF16(values[i]);
            std::memcpy(bytes.data() + 2 * i, &bits, 2);
        }
    }
    return bytes;
}

inline nlohmann::json tinyConfig(const TinyModelSpec& spec)
{
    nlohmann::json config = {
        {"architectures", {spec.architecture}},
        {"hidden_size", spec.hidden},
        {"intermediate_size", spec.intermediate},
        {"num_hidden_layers", spec.layers},
        {"num_attention_heads", spec.heads},
        {"num_key_value_heads", spec.kvHeads},
        {"vocab_size", spec.vocab},
        {"max_position_embeddings", 512},
        {"rms_norm_eps", 1e-6},
        {"rope_theta", 10000.0},
        {"tie_word_embeddings", spec.tied},
        {"torch_dtype", torchDtypeName(spec.dtype)},
    };
    if (spec.headDim) {
        config["head_dim"] = spec.headDim;
    }
    if (spec.architecture == "Gemma2ForCausalLM") {
        config["head_dim"] = headDimOf(spec);
        config["attn_logit_softcapping"] = 50.0;
        config["final_logit_softcapping"] = 30.0;
        config["sliding_window"] = 4096;
        config["query_pre_attn_scalar"] = headDimOf(spec);
    }
    if (spec.architecture == "Phi3ForCausalLM") {
        config["original_max_position_embeddings"] = 256;
        config["sliding_window"] = nullptr;
    }
    config.merge_patch(spec.extraConfig);
    return config;
}

// Writes config.json and model.safetensors into `dir` (created); returns the tensor values by name, as stored
// (rounded to the dtype and widened back).
inline std::map<std::string, std::vector<float>> writeTinyModel(const std::filesystem::path& dir,
                                                                const TinyModelSpec& spec)
{
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json") << tinyConfig(spec).dump(2) << "\n";
    std::vector<TensorBlob> blobs;
    std::map<std::string, std::vector<float>> stored;
    std::size_t t = 0;
    for (const auto& [name, shape] : tinyTensors(spec)) {
        std::size_t count = 1;
        for (const std::int64_t d : shape) {
            count *= static_cast<std::size_t>(d);
        }
        std::vector<float> values(count);
        for (std::size_t i = 0; i < count; ++i) {
            values[i] = tinyValue(t, i);
        }
        ++t;
        const Dtype dtype = name.find("inv_freq") != std::string::npos ? Dtype::F32 : spec.dtype;
        TensorBlob blob{TensorSpec{name, dtype, shape}, encode(dtype, values)};
        std::vector<float> back(count);
        for (std::size_t i = 0; i < count; ++i) {
            std::uint16_t bits = 0;
            if (dtype == Dtype::F32) {
                std::memcpy(&back[i], blob.bytes.data() + 4 * i, 4);
                continue;
            }
            std::memcpy(&bits, blob.bytes.data() + 2 * i, 2);
            back[i] = dtype == Dtype::BF16 ? bf16ToFloat(bits) : f16ToFloat(bits);
        }
        stored[name] = std::move(back);
        blobs.push_back(std::move(blob));
    }
    writeSafeTensorsFile((dir / "model.safetensors").string(), blobs);
    return stored;
}

} // namespace deepext::test
