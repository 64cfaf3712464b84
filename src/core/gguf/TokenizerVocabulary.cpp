#include "TokenizerVocabulary.h"

#include "deepext/base/Error.h"

#include <unordered_map>

namespace deepext::gguf {

void TokenizerVocabulary::finish(const std::string& source)
{
    if (types.size() != tokens.size() || (!scores.empty() && scores.size() != tokens.size())) {
        throw Error("internal error: the vocabulary read from " + source + " has mismatched token lists");
    }
    std::unordered_map<std::string_view, std::size_t> seen;
    seen.reserve(tokens.size());
    for (std::size_t id = 0; id < tokens.size(); ++id) {
        if (tokens[id].empty()) {
            tokens[id] = "[EMPTY_" + std::to_string(id) + "]";
        }
    }
    for (std::size_t id = 0; id < tokens.size(); ++id) {
        const auto [it, inserted] = seen.emplace(tokens[id], id);
        if (!inserted) {
            throw Error("the tokenizer in " + source + " has the token \"" + tokens[id] + "\" twice (ids " +
                            std::to_string(it->second) + " and " + std::to_string(id) +
                            "); llama.cpp refuses a vocabulary with duplicate tokens",
                        "fix the tokenizer files so that every token text has one id");
        }
    }
}

void TokenizerVocabulary::addTo(GgufMetadata& metadata) const
{
    metadata.set("tokenizer.ggml.model", GgufValue::string(model));
    metadata.set("tokenizer.ggml.pre", GgufValue::string(pre));
    metadata.set("tokenizer.ggml.tokens", GgufValue::stringArray(tokens));
    if (!scores.empty()) {
        metadata.set("tokenizer.ggml.scores", GgufValue::float32Array(scores));
    }
    std::vector<std::int32_t> typeValues;
    typeValues.reserve(types.size());
    for (const TokenType type : types) {
        typeValues.push_back(static_cast<std::int32_t>(type));
    }
    metadata.set("tokenizer.ggml.token_type", GgufValue::int32Array(std::move(typeValues)));
    if (!merges.empty()) {
        metadata.set("tokenizer.ggml.merges", GgufValue::stringArray(merges));
    }
}

} // namespace deepext::gguf
