#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace deepext::test {

// The decoder families the reference computes, from config.json `architectures[0]`.
enum class ReferenceFamily
{
    Llama,   // LlamaForCausalLM
    Mistral, // MistralForCausalLM
    Qwen2,   // Qwen2ForCausalLM
    Qwen3,   // Qwen3ForCausalLM
    Gemma2,  // Gemma2ForCausalLM
    Phi3,    // Phi3ForCausalLM
};

// What the forward pass needs from config.json, with the defaults each transformers config class has when a key
// is absent (e.g. tie_word_embeddings: false for Llama, true for Gemma 2).
struct ReferenceConfig
{
    ReferenceFamily family = ReferenceFamily::Llama;
    std::string architecture;
    int hiddenSize = 0;
    int layers = 0;
    int heads = 0;
    int kvHeads = 0;
    int headDim = 0;   // config head_dim, else hidden_size / num_attention_heads
    int rotaryDim = 0; // head_dim × partial_rotary_factor (Phi3), else head_dim
    int intermediateSize = 0;
    int vocabSize = 0;
    double rmsNormEps = 1e-6;
    double ropeTheta = 10000.0;
    std::string ropeType = "default"; // default | linear | llama3
    double ropeFactor = 1.0;
    double lowFreqFactor = 1.0;  // llama3
    double highFreqFactor = 4.0; // llama3
    double originalMaxPositions = 0.0;
    bool tiedEmbeddings = false;
    bool qkvBias = false;    // q/k/v projections have biases (Qwen2 always; Llama and Qwen3 with attention_bias)
    bool outputBias = false; // o_proj has a bias (Llama and Qwen3 with attention_bias)
    bool mlpBias = false;    // Llama mlp_bias
    int slidingWindow = 0;   // 0: none. A key is visible while query position - key position < slidingWindow
    bool slidingOnEvenLayersOnly = false; // Gemma 2: layers 0, 2, ... slide, the others see everything
    double attnSoftcap = 0.0;             // Gemma 2 attn_logit_softcapping (0: none)
    double finalSoftcap = 0.0;            // Gemma 2 final_logit_softcapping (0: none)
    double queryScale = 0.0;              // head_dim^-0.5; Gemma 2: query_pre_attn_scalar^-0.5

    // Throws deepext::Error for an architecture or a setting the reference does not compute (e.g. longrope,
    // Qwen2 use_sliding_window), naming it.
    static ReferenceConfig fromJson(const nlohmann::json& config);
};

// RoPE inverse frequencies over the rotary dims (rotaryDim / 2 values), as transformers' ROPE_INIT_FUNCTIONS
// compute them: default theta^(-2i/d); linear divides by the factor; llama3 rescales by wavelength
// (`_compute_llama3_parameters`).
std::vector<double> ropeInverseFrequencies(const ReferenceConfig& config);

// An fp32 forward pass over a Hugging Face model folder, written from transformers' modelling code
// (modeling_llama.py, modeling_mistral.py, modeling_qwen2.py, modeling_qwen3.py, modeling_gemma2.py,
// modeling_phi3.py), not from llama.cpp, so it judges a GGUF export independently. Every weight is widened to fp32
// and held in memory: meant for the tiny test models. Sums are accumulated in double.
class ReferenceForward
{
public:
    // Reads config.json and every tensor of the folder's safetensors checkpoint (ModelCheckpoint).
    // Throws deepext::Error naming the folder or the missing/mis-shaped tensor.
    static ReferenceForward load(const std::string& modelDirectory);

    const ReferenceConfig& config() const { return m_config; }

    // How GELU (Gemma 2's MLP) is computed. Exact: transformers' gelu_pytorch_tanh in double. GgmlCpuTable: as
    // llama.cpp's CPU backend does it (ggml-cpu/vec.h, GGML_GELU_FP16: the input rounded to fp16, looked up in a
    // table of fp16 results), which alone moves tiny Gemma 2 logits by ~1e-3: use it to compare with llama.cpp at
    // a tolerance that would otherwise measure ggml's table rather than the export.
    enum class Gelu
    {
        Exact,
        GgmlCpuTable,
    };
    void setGelu(Gelu gelu) { m_gelu = gelu; }

    // The logits for the token after the last of `tokens` (positions 0..n-1, no cache), vocab_size values.
    std::vector<float> nextTokenLogits(const std::vector<int>& tokens) const;

private:
    struct Weight
    {
        std::vector<std::int64_t> shape;
        std::vector<float> values;
    };
    // Throws when the tensor is missing or its shape is not `shape`.
    const Weight& weight(const std::string& name, const std::vector<std::int64_t>& shape) const;
    const Weight* optionalWeight(const std::string& name, const std::vector<std::int64_t>& shape) const;

    std::string m_directory;
    ReferenceConfig m_config;
    std::map<std::string, Weight> m_weights;
    Gelu m_gelu = Gelu::Exact;
};

} // namespace deepext::test
