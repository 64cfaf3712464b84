#include "LlamaHfVocabulary.h"

#include "deepext/base/Error.h"

#include <map>
#include <set>
#include <unordered_map>

namespace deepext::gguf {
namespace {

constexpr float TokenScore = -1000.0f;
constexpr float PaddingScore = -10000.0f;

const nlohmann::json* member(const nlohmann::json& object, const char* key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string typeOf(const nlohmann::json* node)
{
    const nlohmann::json* type = node != nullptr ? member(*node, "type") : nullptr;
    return type != nullptr && type->is_string() ? type->get<std::string>() : std::string();
}

// A special token entry as transformers stores it: a string or {"content": ...}.
std::optional<std::string> tokenText(const nlohmann::json& entry)
{
    if (entry.is_string()) {
        return entry.get<std::string>();
    }
    const nlohmann::json* content = member(entry, "content");
    if (content != nullptr && content->is_string()) {
        return content->get<std::string>();
    }
    return std::nullopt;
}

bool isByteToken(const std::string& text)
{
    const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    return text.size() == 6 && text.compare(0, 3, "<0x") == 0 && hex(text[3]) && hex(text[4]) && text[5] == '>';
}

// transformers' all_special_tokens: the named special tokens of tokenizer_config.json, else of
// special_tokens_map.json, else the tokenizer class's defaults, plus additional_special_tokens.
std::set<std::string> specialTokenTexts(const TokenizerFiles& files)
{
    static const char* const names[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                        "pad_token", "cls_token", "mask_token"};
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json& config = files.tokenizerConfig() ? *files.tokenizerConfig() : empty;
    const nlohmann::json& map = files.specialTokensMap() ? *files.specialTokensMap() : empty;
    const nlohmann::json* tokenizerClass = member(config, "tokenizer_class");
    const std::string className =
        tokenizerClass != nullptr && tokenizerClass->is_string() ? tokenizerClass->get<std::string>() : "";
    // LlamaTokenizer(Fast) and CodeLlamaTokenizer(Fast) default to <s>, </s> and <unk>.
    const bool llamaDefaults = className.find("LlamaTokenizer") != std::string::npos;
    const std::map<std::string, std::string> defaults = {
        {"bos_token", "<s>"}, {"eos_token", "</s>"}, {"unk_token", "<unk>"}};

    std::set<std::string> texts;
    for (const char* name : names) {
        const nlohmann::json* entry = member(config, name);
        if (entry == nullptr) {
            entry = member(map, name);
        }
        if (entry != nullptr) {
            if (auto text = tokenText(*entry)) {
                texts.insert(*text);
            }
        } else if (llamaDefaults && defaults.count(name) != 0) {
            texts.insert(defaults.at(name));
        }
    }
    const nlohmann::json* additional = member(config, "additional_special_tokens");
    if (additional == nullptr) {
        additional = member(map, "additional_special_tokens");
    }
    if (additional != nullptr && additional->is_array()) {
        for (const nlohmann::json& entry : *additional) {
            if (auto text = tokenText(entry)) {
                texts.insert(*text);
            }
        }
    }
    return texts;
}

} // namespace

bool LlamaHfVocabulary::applies(const nlohmann::json& tokenizerJson)
{
    const nlohmann::json* model = member(tokenizerJson, "model");
    const nlohmann::json* byteFallback = model != nullptr ? member(*model, "byte_fallback") : nullptr;
    return typeOf(model) == "BPE" && byteFallback != nullptr && byteFallback->is_boolean() &&
           byteFallback->get<bool>() && typeOf(member(tokenizerJson, "decoder")) == "Sequence";
}

TokenizerVocabulary LlamaHfVocabulary::build(const TokenizerFiles& files, std::uint32_t vocabSize)
{
    const std::string path = files.pathOf("tokenizer.json");
    if (!files.tokenizerJson()) {
        throw Error("there is no tokenizer.json in " + files.directory() + "; copy it from the base model");
    }
    const nlohmann::json& tokenizerJson = *files.tokenizerJson();
    const nlohmann::json* model = member(tokenizerJson, "model");
    const nlohmann::json* vocab = model != nullptr ? member(*model, "vocab") : nullptr;
    if (vocab == nullptr || !vocab->is_object() || vocab->empty()) {
        throw Error(path + " has no model.vocab object; restore the file from the base model");
    }

    // get_vocab(): the model vocabulary, then the added tokens (their text wins for an id they share).
    std::unordered_map<std::uint64_t, std::string> byId;
    std::unordered_map<std::string, std::uint64_t> idOf;
    std::uint64_t highest = 0;
    const auto add = [&](const std::string& text, const nlohmann::json& id, bool added) {
        const std::optional<std::uint64_t> nonNegative = TokenizerFiles::nonNegativeInteger(id);
        if (!nonNegative) {
            throw Error("the token \"" + text + "\" in " + path +
                        " has no non-negative integer id; restore the file from the base model");
        }
        const std::uint64_t value = *nonNegative;
        highest = std::max(highest, value);
        if (added || byId.count(value) == 0) {
            byId[value] = text;
        }
        idOf[text] = value;
    };
    for (const auto& [text, id] : vocab->items()) {
        add(text, id, false);
    }
    const std::uint64_t baseSize = vocab->size();
    if (const nlohmann::json* added = member(tokenizerJson, "added_tokens"); added != nullptr && added->is_array()) {
        for (const nlohmann::json& token : *added) {
            const nlohmann::json* content = member(token, "content");
            const nlohmann::json* id = member(token, "id");
            if (content == nullptr || !content->is_string() || id == nullptr) {
                throw Error("an entry of added_tokens in " + path +
                            " has no content or id; restore the file from the base model");
            }
            add(content->get<std::string>(), *id, true);
        }
    }
    if (highest >= TokenizerVocabulary::MaxSize) {
        throw Error("the tokenizer in " + path + " has the token id " + std::to_string(highest) +
                    ", far beyond any real vocabulary; restore the file from the base model");
    }
    const std::uint64_t size = vocabSize != 0 ? vocabSize : highest + 1;
    if (highest >= size) {
        throw Error("the tokenizer in " + path + " has token ids up to " + std::to_string(highest) +
                        " but the model has only " + std::to_string(size) +
                        " embedding rows (config.json vocab_size); the tokenizer does not belong to this model",
                    "tokenizer ids must be below the model's vocabulary size");
    }

    std::set<std::uint64_t> specialIds;
    for (const std::string& text : specialTokenTexts(files)) {
        if (const auto it = idOf.find(text); it != idOf.end()) {
            specialIds.insert(it->second);
        }
    }

    TokenizerVocabulary vocabulary;
    vocabulary.model = "llama";
    vocabulary.pre = "default";
    vocabulary.tokens.reserve(size);
    vocabulary.types.reserve(size);
    vocabulary.scores.reserve(size);
    for (std::uint64_t id = 0; id < size; ++id) {
        const auto it = byId.find(id);
        if (it == byId.end()) {
            vocabulary.tokens.push_back(paddingTokenText(static_cast<std::uint32_t>(id)));
            vocabulary.types.push_back(TokenType::Unused);
            vocabulary.scores.push_back(PaddingScore);
            continue;
        }
        TokenType type = TokenType::Normal;
        if (id < baseSize) {
            if (isByteToken(it->second)) {
                type = TokenType::Byte;
            } else if (specialIds.count(id) != 0) {
                type = TokenType::Control;
            }
        } else {
            type = specialIds.count(id) != 0 ? TokenType::Control : TokenType::UserDefined;
        }
        vocabulary.tokens.push_back(it->second);
        vocabulary.types.push_back(type);
        vocabulary.scores.push_back(TokenScore);
    }
    vocabulary.finish(path);
    return vocabulary;
}

} // namespace deepext::gguf
