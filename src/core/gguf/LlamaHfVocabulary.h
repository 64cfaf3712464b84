#pragma once

#include "TokenizerFiles.h"
#include "TokenizerVocabulary.h"

#include <nlohmann/json.hpp>

#include <cstdint>

namespace deepext::gguf {

// A Llama/Mistral tokenizer saved only as tokenizer.json (a SentencePiece model converted to a byte-fallback BPE,
// as fine-tunes saved without tokenizer.model have it), written as llama.cpp's converter writes it with gguf-py
// `LlamaHfVocab`: model "llama", pre "default", every score -1000; the model vocabulary by id with "<0xNN>" as
// BYTE, the tokenizer's special tokens (bos/eos/unk/sep/pad/cls/mask and additional_special_tokens of
// tokenizer_config.json and special_tokens_map.json) as CONTROL, the rest NORMAL; then the added tokens past the
// model vocabulary (CONTROL when special, else USER_DEFINED). Ids without a token up to `vocabSize` become
// "[PAD<id>]" (UNUSED) so the token count matches the embedding table, which llama.cpp requires.
class LlamaHfVocabulary
{
public:
    // convert's test: a BPE model with byte_fallback and a Sequence decoder.
    static bool applies(const nlohmann::json& tokenizerJson);

    static TokenizerVocabulary build(const TokenizerFiles& files, std::uint32_t vocabSize);
};

} // namespace deepext::gguf
