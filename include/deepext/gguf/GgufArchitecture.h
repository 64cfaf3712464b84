#pragma once

#include <string>
#include <vector>

namespace deepext::gguf {

// How one Hugging Face architecture (config.json `architectures[0]`) becomes GGUF, as llama.cpp's converter does it
// (convert_hf_to_gguf.py `LlamaModel`, `Qwen2Model`, `Qwen3Model`, `Gemma2Model`, `Phi3MiniModel`) and as the
// runtime loads it (src/llama-model.cpp). The whole mapping lives in one table (GgufArchitecture.cpp); the
// exporter reads it, nothing else knows architecture names.
class GgufArchitecture
{
public:
    // What a tensor's dimension must equal, from config.json (checked before anything is written).
    enum class Dim
    {
        Embedding,    // hidden_size
        QueryRows,    // num_attention_heads * head_dim
        KeyValueRows, // num_key_value_heads * head_dim
        FusedQkvRows, // Phi-3's qkv_proj: query rows then key and value rows
        HeadDim,      // head_dim (Qwen3's q/k norms)
        FeedForward,  // intermediate_size
        FusedGateUp,  // Phi-3's gate_up_proj: 2 * intermediate_size
        Vocabulary,   // the embedding table's rows
    };
    // How the rows of a tensor are rearranged on the way (llama's Q/K permutation).
    enum class Permute
    {
        None,
        QueryHeads,    // reshape rows to [n_head, 2, rows / n_head / 2], swap the two inner axes
        KeyValueHeads, // the same with num_key_value_heads
    };
    // One tensor of the mapping: the Hugging Face name (per layer: after "model.layers.N."), the GGUF name (per
    // layer: after "blk.N."), its expected shape, whether llama.cpp requires it, and the row permutation.
    struct Tensor
    {
        std::string hfName;
        std::string ggufName;
        std::vector<Dim> shape;
        bool required = true;
        Permute permute = Permute::None;
    };

    std::string hfName;   // "LlamaForCausalLM"
    std::string ggufName; // general.architecture: "llama"
    std::vector<Tensor> globalTensors;
    std::vector<Tensor> layerTensors;
    bool normsPlusOne = false;          // Gemma: every *norm.weight is written as w + 1
    bool dropsLmHead = false;           // Gemma 2: lm_head.weight is not written (the runtime ties the output)
    bool writesVocabSize = false;       // llama: {arch}.vocab_size and {arch}.rope.dimension_count
    bool llama3RopeFrequencies = false; // llama: rope_scaling type llama3 becomes the rope_freqs.weight tensor

    // The supported architectures, in the order they are listed to users.
    static const std::vector<GgufArchitecture>& supported();
    // nullptr for an architecture that cannot be exported.
    static const GgufArchitecture* find(const std::string& hfArchitecture);
    // For the deploy pre-flight: whether `hfArchitecture` (config.json architectures[0]) can be written as GGUF.
    static bool canExport(const std::string& hfArchitecture);
    // "LlamaForCausalLM, MistralForCausalLM, ..." for messages.
    static std::string supportedNames();
};

} // namespace deepext::gguf
