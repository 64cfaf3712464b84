#pragma once

#include "TokenizerVocabulary.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace deepext::gguf {

// The byte-level BPE vocabulary of a tokenizer.json as llama.cpp's converter writes it
// (convert_hf_to_gguf.py `get_vocab_base` and `_set_vocab_gpt2`, gguf-py `SpecialVocab` for the merges):
// - tokens: the model vocab plus added_tokens, by id, exactly as in the file (GPT-2 byte alphabet); ids up to
//   `vocabSize` without a token become "[PAD<id>]" (UNUSED);
// - types: an added token is CONTROL when `special` or when it looks special, else USER_DEFINED with "▁" turned
//   into a space; every other token NORMAL;
// - merges: model.merges as "a b" strings, or ["a","b"] pairs joined by a space (a space inside a part written
//   as U+0120), else the lines of merges.txt;
// - pre: BpePreTokenizer.
// Refused with a deepext::Error naming the file: a model that is not BPE, a token id at or past `vocabSize`,
// malformed entries, no merges at all (llama.cpp cannot load that), an unknown pre-tokenizer, duplicate tokens.
class ByteLevelBpeVocabulary
{
public:
    // `tokenizerPath` and `mergesTxtPath` name the files in messages; `mergesTxt` is merges.txt's text if present.
    static TokenizerVocabulary build(const nlohmann::json& tokenizerJson, const std::string& tokenizerPath,
                                     std::uint32_t vocabSize, const std::optional<std::string>& mergesTxt,
                                     const std::string& mergesTxtPath);

    // The merges as llama.cpp stores them ("left right"): from model.merges in either form, else merges.txt.
    static std::vector<std::string> readMerges(const nlohmann::json& tokenizerJson, const std::string& tokenizerPath,
                                               const std::optional<std::string>& mergesTxt);
};

} // namespace deepext::gguf
