#include "deepext/gguf/GgufArchitecture.h"

namespace deepext::gguf {
namespace {

using Dim = GgufArchitecture::Dim;
using Permute = GgufArchitecture::Permute;
using Tensor = GgufArchitecture::Tensor;

// Names from gguf-py/gguf/tensor_mapping.py `TensorNameMap` and src/llama-arch.cpp `LLM_TENSOR_NAMES`.
std::vector<Tensor> globalTensors(bool withOutput)
{
    std::vector<Tensor> tensors = {
        {"model.embed_tokens.weight", "token_embd.weight", {Dim::Vocabulary, Dim::Embedding}},
        {"model.norm.weight", "output_norm.weight", {Dim::Embedding}},
    };
    if (withOutput) {
        // Absent when the embeddings are tied: the runtime then reads token_embd (TENSOR_DUPLICATED).
        tensors.push_back({"lm_head.weight", "output.weight", {Dim::Vocabulary, Dim::Embedding}, false});
    }
    return tensors;
}

std::vector<Tensor> attention(bool permute, bool qkvBiases, bool outputBias)
{
    const Permute q = permute ? Permute::QueryHeads : Permute::None;
    const Permute k = permute ? Permute::KeyValueHeads : Permute::None;
    std::vector<Tensor> tensors = {
        {"input_layernorm.weight", "attn_norm.weight", {Dim::Embedding}},
        {"self_attn.q_proj.weight", "attn_q.weight", {Dim::QueryRows, Dim::Embedding}, true, q},
        {"self_attn.k_proj.weight", "attn_k.weight", {Dim::KeyValueRows, Dim::Embedding}, true, k},
        {"self_attn.v_proj.weight", "attn_v.weight", {Dim::KeyValueRows, Dim::Embedding}},
        {"self_attn.o_proj.weight", "attn_output.weight", {Dim::Embedding, Dim::QueryRows}},
    };
    if (qkvBiases) {
        tensors.push_back({"self_attn.q_proj.bias", "attn_q.bias", {Dim::QueryRows}, false, q});
        tensors.push_back({"self_attn.k_proj.bias", "attn_k.bias", {Dim::KeyValueRows}, false, k});
        tensors.push_back({"self_attn.v_proj.bias", "attn_v.bias", {Dim::KeyValueRows}, false});
    }
    if (outputBias) {
        tensors.push_back({"self_attn.o_proj.bias", "attn_output.bias", {Dim::Embedding}, false});
    }
    return tensors;
}

std::vector<Tensor> gatedFeedForward(bool biases)
{
    std::vector<Tensor> tensors = {
        {"mlp.gate_proj.weight", "ffn_gate.weight", {Dim::FeedForward, Dim::Embedding}},
        {"mlp.up_proj.weight", "ffn_up.weight", {Dim::FeedForward, Dim::Embedding}},
        {"mlp.down_proj.weight", "ffn_down.weight", {Dim::Embedding, Dim::FeedForward}},
    };
    if (biases) {
        tensors.push_back({"mlp.gate_proj.bias", "ffn_gate.bias", {Dim::FeedForward}, false});
        tensors.push_back({"mlp.up_proj.bias", "ffn_up.bias", {Dim::FeedForward}, false});
        tensors.push_back({"mlp.down_proj.bias", "ffn_down.bias", {Dim::Embedding}, false});
    }
    return tensors;
}

template <typename... Parts>
std::vector<Tensor> concat(std::vector<Tensor> first, Parts... rest)
{
    (first.insert(first.end(), rest.begin(), rest.end()), ...);
    return first;
}

GgufArchitecture llama(const std::string& hfName)
{
    GgufArchitecture arch;
    arch.hfName = hfName;
    arch.ggufName = "llama";
    arch.globalTensors = globalTensors(true);
    // src/llama-model.cpp LLM_ARCH_LLAMA: optional q/k/v/o and MLP biases (Llama's attention_bias, mlp_bias).
    arch.layerTensors =
        concat(attention(true, true, true),
               std::vector<Tensor>{{"post_attention_layernorm.weight", "ffn_norm.weight", {Dim::Embedding}}},
               gatedFeedForward(true));
    arch.writesVocabSize = true;
    arch.llama3RopeFrequencies = true;
    return arch;
}

GgufArchitecture qwen2()
{
    GgufArchitecture arch;
    arch.hfName = "Qwen2ForCausalLM";
    arch.ggufName = "qwen2";
    arch.globalTensors = globalTensors(true);
    arch.layerTensors =
        concat(attention(false, true, false),
               std::vector<Tensor>{{"post_attention_layernorm.weight", "ffn_norm.weight", {Dim::Embedding}}},
               gatedFeedForward(false));
    return arch;
}

GgufArchitecture qwen3()
{
    GgufArchitecture arch;
    arch.hfName = "Qwen3ForCausalLM";
    arch.ggufName = "qwen3";
    arch.globalTensors = globalTensors(true);
    arch.layerTensors = concat(attention(false, false, false),
                               std::vector<Tensor>{
                                   {"self_attn.q_norm.weight", "attn_q_norm.weight", {Dim::HeadDim}},
                                   {"self_attn.k_norm.weight", "attn_k_norm.weight", {Dim::HeadDim}},
                                   {"post_attention_layernorm.weight", "ffn_norm.weight", {Dim::Embedding}},
                               },
                               gatedFeedForward(false));
    return arch;
}

GgufArchitecture gemma2()
{
    GgufArchitecture arch;
    arch.hfName = "Gemma2ForCausalLM";
    arch.ggufName = "gemma2";
    arch.globalTensors = globalTensors(false);
    arch.layerTensors = concat(attention(false, false, false),
                               std::vector<Tensor>{
                                   {"post_attention_layernorm.weight", "post_attention_norm.weight", {Dim::Embedding}},
                                   {"pre_feedforward_layernorm.weight", "ffn_norm.weight", {Dim::Embedding}},
                                   {"post_feedforward_layernorm.weight", "post_ffw_norm.weight", {Dim::Embedding}},
                               },
                               gatedFeedForward(false));
    arch.normsPlusOne = true;
    arch.dropsLmHead = true;
    return arch;
}

GgufArchitecture phi3()
{
    GgufArchitecture arch;
    arch.hfName = "Phi3ForCausalLM";
    arch.ggufName = "phi3";
    arch.globalTensors = globalTensors(true);
    // Fused projections are written as they are: the runtime splits attn_qkv into q, k, v rows and ffn_up into
    // the gate half then the up half.
    arch.layerTensors = {
        {"input_layernorm.weight", "attn_norm.weight", {Dim::Embedding}},
        {"self_attn.qkv_proj.weight", "attn_qkv.weight", {Dim::FusedQkvRows, Dim::Embedding}},
        {"self_attn.o_proj.weight", "attn_output.weight", {Dim::Embedding, Dim::QueryRows}},
        {"post_attention_layernorm.weight", "ffn_norm.weight", {Dim::Embedding}},
        {"mlp.gate_up_proj.weight", "ffn_up.weight", {Dim::FusedGateUp, Dim::Embedding}},
        {"mlp.down_proj.weight", "ffn_down.weight", {Dim::Embedding, Dim::FeedForward}},
    };
    return arch;
}

} // namespace

const std::vector<GgufArchitecture>& GgufArchitecture::supported()
{
    static const std::vector<GgufArchitecture> architectures = {
        llama("LlamaForCausalLM"), llama("MistralForCausalLM"), qwen2(), qwen3(), gemma2(), phi3(),
    };
    return architectures;
}

const GgufArchitecture* GgufArchitecture::find(const std::string& hfArchitecture)
{
    for (const GgufArchitecture& arch : supported()) {
        if (arch.hfName == hfArchitecture) {
            return &arch;
        }
    }
    return nullptr;
}

bool GgufArchitecture::canExport(const std::string& hfArchitecture)
{
    return find(hfArchitecture) != nullptr;
}

std::string GgufArchitecture::supportedNames()
{
    std::string names;
    for (const GgufArchitecture& arch : supported()) {
        names += (names.empty() ? "" : ", ") + arch.hfName;
    }
    return names;
}

} // namespace deepext::gguf
