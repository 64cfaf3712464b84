#pragma once

#include "TokenType.h"
#include "deepext/gguf/GgufValue.h"

#include <cstdint>
#include <string>
#include <vector>

namespace deepext::gguf {

// One vocabulary as llama.cpp stores it: a token text, a type and (SentencePiece-style models only) a score per
// id, plus the BPE merges. Built by ByteLevelBpeVocabulary, SentencePieceVocabulary or LlamaHfVocabulary.
class TokenizerVocabulary
{
public:
    // No real vocabulary comes near this (the largest have ~260k tokens); a bigger size is a damaged file, refused
    // before anything that large is allocated.
    static constexpr std::uint64_t MaxSize = 1u << 24;

    std::string model; // tokenizer.ggml.model: "gpt2" (byte-level BPE) or "llama" (SentencePiece)
    std::string pre;   // tokenizer.ggml.pre
    std::vector<std::string> tokens;
    std::vector<TokenType> types;
    std::vector<float> scores;       // empty for byte-level BPE: convert writes no scores there
    std::vector<std::string> merges; // "left right", byte-level BPE only

    // What the runtime would otherwise do at load (src/llama-vocab.cpp `llama_vocab::impl::load`), done here so
    // the file is right for every reader: an empty token becomes "[EMPTY_<id>]" (llama.cpp's own substitute),
    // and a token text that appears twice is refused (llama.cpp aborts the load on it). `source` names the
    // tokenizer file(s) for the message.
    void finish(const std::string& source);

    // tokenizer.ggml.model, .pre, .tokens, .scores (when present), .token_type, .merges (when present), with the
    // exact GGUF types llama.cpp reads them with.
    void addTo(GgufMetadata& metadata) const;
};

} // namespace deepext::gguf
