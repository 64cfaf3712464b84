#include "BpePreTokenizer.h"

#include "deepext/base/Error.h"

namespace deepext::gguf {
namespace {

const nlohmann::json* member(const nlohmann::json& object, const char* key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool boolMember(const nlohmann::json& object, const char* key, bool fallback)
{
    const nlohmann::json* value = member(object, key);
    return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

std::string typeOf(const nlohmann::json& object)
{
    const nlohmann::json* type = member(object, "type");
    return type != nullptr && type->is_string() ? type->get<std::string>() : std::string();
}

// tokenizers' ByteLevel pre-tokenizer; `useRegex` is what its own GPT-2 regex setting must be. A prefix space
// would make the Hugging Face tokenizer insert a space llama.cpp never inserts.
bool isByteLevel(const nlohmann::json& node, bool useRegex)
{
    return typeOf(node) == "ByteLevel" && !boolMember(node, "add_prefix_space", false) &&
           boolMember(node, "use_regex", true) == useRegex;
}

// The regex of a Split that isolates every match (the only behaviour the runtime's regex splitting reproduces).
std::string splitPattern(const nlohmann::json& node)
{
    if (typeOf(node) != "Split") {
        return {};
    }
    const nlohmann::json* behavior = member(node, "behavior");
    if (behavior == nullptr || !behavior->is_string() || behavior->get<std::string>() != "Isolated" ||
        boolMember(node, "invert", false)) {
        return {};
    }
    const nlohmann::json* pattern = member(node, "pattern");
    const nlohmann::json* regex = pattern != nullptr ? member(*pattern, "Regex") : nullptr;
    return regex != nullptr && regex->is_string() ? regex->get<std::string>() : std::string();
}

std::string describe(const nlohmann::json& preTokenizer)
{
    std::string text = preTokenizer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (text.size() > 400) {
        text = text.substr(0, 400) + "...";
    }
    return text;
}

} // namespace

const char* BpePreTokenizer::llama3Pattern()
{
    return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

const char* BpePreTokenizer::qwen2Pattern()
{
    return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

const char* BpePreTokenizer::tekkenPattern()
{
    return R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

std::string BpePreTokenizer::identify(const nlohmann::json& tokenizerJson, const std::string& tokenizerPath)
{
    static const char* const known = "known: the Split regex of Llama 3 (llama-bpe), Qwen2 (qwen2) or Mistral "
                                     "tekken (tekken) before a ByteLevel, or a plain ByteLevel (gpt-2)";
    const nlohmann::json* preTokenizer = member(tokenizerJson, "pre_tokenizer");
    if (preTokenizer == nullptr || preTokenizer->is_null()) {
        throw Error("the byte-level BPE tokenizer in " + tokenizerPath +
                        " has no pre_tokenizer, so llama.cpp would split text differently from it (" + known + ")",
                    "tokenizer.ggml.pre cannot be chosen");
    }
    if (isByteLevel(*preTokenizer, true)) {
        return "gpt-2";
    }
    std::string pattern;
    if (typeOf(*preTokenizer) == "Sequence") {
        const nlohmann::json* steps = member(*preTokenizer, "pretokenizers");
        if (steps != nullptr && steps->is_array() && steps->size() == 2 && isByteLevel((*steps)[1], false)) {
            pattern = splitPattern((*steps)[0]);
        }
        if (steps != nullptr && steps->is_array() && steps->size() == 1 && isByteLevel((*steps)[0], true)) {
            return "gpt-2";
        }
    }
    if (pattern == llama3Pattern()) {
        return "llama-bpe";
    }
    if (pattern == qwen2Pattern()) {
        return "qwen2";
    }
    if (pattern == tekkenPattern()) {
        return "tekken";
    }
    throw Error("llama.cpp has no pre-tokenizer matching the one in " + tokenizerPath + ": " +
                    (pattern.empty() ? describe(*preTokenizer) : "Split regex " + pattern) + " (" + known + ")",
                "the whole pre_tokenizer: " + describe(*preTokenizer));
}

} // namespace deepext::gguf
