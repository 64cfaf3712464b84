#pragma once

#include "deepext/merge/Dtype.h"
#include "deepext/merge/SafeTensorsWriter.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace deepext::test {

// The shape of one tiny model: small enough for the fp32 reference and llama.cpp to run in well under a second,
// with every family trait the GGUF export must carry (GQA, biases, q/k norms, head_dim != hidden / heads, tied
// and untied embeddings, RoPE scaling, soft-capping, sliding window, fused projections, partial rotary).
struct TinyModelSpec
{
    std::string preset;       // the preset it came from ("llama", "qwen3", ...)
    std::string architecture; // config.json architectures[0]
    std::string modelType;    // config.json model_type
    Dtype dtype = Dtype::BF16;
    int hiddenSize = 64;
    int layers = 2;
    int heads = 4;
    int kvHeads = 2;
    int headDim = 16; // written as config head_dim
    int intermediateSize = 128;
    bool tiedEmbeddings = false;
    double ropeTheta = 10000.0;
    bool llama3RopeScaling = false; // Llama 3.1/3.2 rope_scaling {rope_type: llama3, factor 8, original 256}
    double linearRopeFactor = 0.0;  // > 0: rope_scaling {type: linear, factor}
    bool attentionBias = false;     // Llama attention_bias (q/k/v/o biases)
    double partialRotaryFactor = 1.0;
    int slidingWindow = 0; // Gemma 2's sliding_window (0: not written; null for Mistral/Phi3)
    double attnSoftcap = 0.0;
    double finalSoftcap = 0.0;
    double rmsNormEps = 1e-5;
    std::uint64_t seed = 1;
    std::string tokenizerDirectory; // copied into the model folder; gives vocab_size and the token ids
    int vocabSize = 0;              // 0: the tokenizer folder's; larger pads the embedding rows as Qwen does
};

// Writes deterministic tiny Hugging Face model folders: config.json as the family writes it,
// generation_config.json, model.safetensors (through the merge layer's SafeTensorsWriter) and the tokenizer files.
// The same spec always gives the same bytes: weights come from a fixed-seed generator keyed by tensor name.
class TinyModelFactory
{
public:
    // llama (Llama 2 style, bf16, untied), llama31 (Llama 3.2 style: llama3 rope_scaling, tied), mistral (f16),
    // qwen2 (q/k/v biases, tied), qwen3 (q/k norms, head_dim 32 != 64/4, tied), gemma2 (3 layers, head_dim 24,
    // soft-capping, sliding window 4, tied), phi3 (f32, fused qkv and gate_up, partial_rotary_factor 0.75, untied).
    static std::vector<std::string> presetNames();
    // The preset with its family's tiny real tokenizer (tokenizerFolder()).
    static TinyModelSpec preset(const std::string& name);
    static TinyModelSpec preset(const std::string& name, const std::string& tokenizerDirectory);
    // The tiny real tokenizer of tests/data/tokenizers/ a preset's family ships: llama (Llama 2) and mistral
    // llama-spm, llama31 llama3-bpe, qwen2 and qwen3 qwen2-bpe, gemma2 gemma-spm (llama.cpp's converter always
    // takes SentencePiece for Gemma 2), phi3 phi3-spm.
    static std::string tokenizerFolder(const std::string& preset);

    // The checkpoint tensors (Hugging Face names, shapes, dtype) the spec's family has.
    static std::vector<TensorSpec> tensorSpecs(const TinyModelSpec& spec, int vocabSize);
    // config.json for the spec. vocab_size: TinyModelSpec::vocabSize, else the tokenizer folder's config.json
    // vocab_size (the embedding rows of the model it was cut for, padded for Qwen2 and Phi-3), else
    // tokenizerVocabSize(). Token ids: the folder's config.json bos/eos/pad_token_id (a list stays a list, as
    // Llama 3.1 writes it), else tokenizer_config.json's tokens looked up in tokenizer.json.
    static nlohmann::ordered_json configJson(const TinyModelSpec& spec);
    // Highest token id + 1 over tokenizer.json's model.vocab and added_tokens; throws deepext::Error if the folder
    // has no readable tokenizer.json (give TinyModelSpec::vocabSize for a SentencePiece-only folder).
    static int tokenizerVocabSize(const std::string& tokenizerDirectory);

    // Writes the model folder (created if needed; existing files replaced). Returns `directory`.
    static std::string write(const TinyModelSpec& spec, const std::string& directory);
};

} // namespace deepext::test
