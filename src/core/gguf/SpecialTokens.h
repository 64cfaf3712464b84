#pragma once

#include "TokenizerFiles.h"
#include "deepext/gguf/GgufValue.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deepext::gguf {

// Special token ids and add-token flags exactly as gguf-py's `SpecialVocab` derives them:
// - ids of bos, eos, unk, sep, pad, cls, mask: tokenizer_config.json `<t>_token` (a string or {"content"})
//   looked up by content in tokenizer.json `added_tokens` (first match); then config.json `<t>_token_id` (or
//   its text_config's) when an integer and the id is still unset. Lists (Llama 3.1's eos) are skipped, and
//   generation_config.json is never read. Ids at or past the vocabulary size are dropped;
// - a missing bos/eos is taken from cls/sep; a RobertaProcessing post-processor adds bos, eos and sep; a
//   TemplateProcessing one sets add_bos when its `single` starts with the bos (or cls) token, add_eos when it
//   ends with a special token (which becomes the eos, the old eos moving to eot, or eom), and add_sep from its
//   `pair`;
// - tokenizer_config.json `add_<t>_token` booleans override those flags;
// - one deliberate difference: special tokens written as {"content": ...} objects (older tokenizer_config.json
//   files) are compared with the post-processor's tokens by their content, where SpecialVocab compares the
//   objects and so never finds the bos of a Llama 2 era fine-tune (leaving llama.cpp adding no BOS);
// - a Lowercase normalizer (alone, in a Sequence, or BertNormalizer's) sets tokenizer.ggml.normalizer.lowercase.
// Keys are llama.cpp's (`tokenizer.ggml.seperator_token_id` is spelled so there), ids UINT32, flags BOOL. The
// cls id has no key: gguf-py has no writer for it and llama.cpp no reader.
class SpecialTokens
{
public:
    static SpecialTokens read(const TokenizerFiles& files, const nlohmann::json& config, std::uint32_t vocabSize);

    // The id of type "bos", "eos", ... when set.
    std::optional<std::uint32_t> id(const std::string& type) const;
    std::optional<bool> addFlag(const std::string& type) const;
    bool lowercase() const { return m_lowercase; }

    // A rule of one architecture (CodeLlama's EOT) setting an id after the files were read.
    void setId(const std::string& type, std::uint32_t id);

    void addTo(GgufMetadata& metadata) const;

private:
    // SpecialVocab._set_special_token: integers only, the first value wins, ids past the vocabulary dropped.
    void trySet(const std::string& type, const nlohmann::json& id, const std::string& source);
    void setFlag(const std::string& type, bool value);

    std::uint32_t m_vocabSize = 0;
    std::vector<std::pair<std::string, std::uint32_t>> m_ids;
    std::vector<std::pair<std::string, bool>> m_addFlags;
    bool m_lowercase = false;
};

} // namespace deepext::gguf
