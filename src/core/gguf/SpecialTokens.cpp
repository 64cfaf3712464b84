#include "SpecialTokens.h"

#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"

#include <algorithm>

namespace deepext::gguf {
namespace {

using Json = nlohmann::json;

const Json& nullJson()
{
    static const Json value;
    return value;
}

// dict.get(key) of Python: null when absent or when `object` is not an object.
const Json& get(const Json& object, const char* key)
{
    if (!object.is_object()) {
        return nullJson();
    }
    const auto it = object.find(key);
    return it == object.end() ? nullJson() : *it;
}

// Python truthiness of a JSON value.
bool truthy(const Json& value)
{
    switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
        return false;
    case Json::value_t::boolean:
        return value.get<bool>();
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return value.get<double>() != 0.0;
    case Json::value_t::string:
        return !value.get_ref<const std::string&>().empty();
    default:
        return !value.empty();
    }
}

// item.get('SpecialToken', {}).get('id') and item.get('Sequence', {}).get('id') of a template piece.
const Json& pieceId(const Json& item, const char* kind)
{
    return get(get(item, kind), "id");
}

// A special token of tokenizer_config.json as text: older files hold {"__type": "AddedToken", "content": ...}
// objects, which are compared by their content (SpecialVocab compares the objects themselves, so a post-processor
// starting with "<s>" never matched such a bos token and Llama 2 era fine-tunes lost add_bos).
Json contentOf(const Json& token)
{
    const Json& content = get(token, "content");
    return content.is_string() ? content : token;
}

bool isOneOf(const Json& value, const Json& a, const Json& b)
{
    return value == a || value == b;
}

// SpecialVocab._parse_normalizer.
bool lowercases(const Json& normalizer)
{
    const Json& type = get(normalizer, "type");
    if (type == "Lowercase") {
        return true;
    }
    if (type == "BertNormalizer") {
        const Json& lowercase = get(normalizer, "lowercase");
        return lowercase.is_null() ? true : truthy(lowercase);
    }
    if (type == "Sequence") {
        const Json& steps = get(normalizer, "normalizers");
        if (steps.is_array()) {
            return std::any_of(steps.begin(), steps.end(), [](const Json& step) { return lowercases(step); });
        }
    }
    return false;
}

std::string idKey(const std::string& type)
{
    static const std::pair<const char*, const char*> keys[] = {
        {"bos", "tokenizer.ggml.bos_token_id"},     {"eos", "tokenizer.ggml.eos_token_id"},
        {"unk", "tokenizer.ggml.unknown_token_id"}, {"sep", "tokenizer.ggml.seperator_token_id"},
        {"pad", "tokenizer.ggml.padding_token_id"}, {"mask", "tokenizer.ggml.mask_token_id"},
        {"eot", "tokenizer.ggml.eot_token_id"},     {"eom", "tokenizer.ggml.eom_token_id"},
    };
    for (const auto& [name, key] : keys) {
        if (type == name) {
            return key;
        }
    }
    return {};
}

std::string flagKey(const std::string& type)
{
    if (type == "bos" || type == "eos" || type == "sep") {
        return "tokenizer.ggml.add_" + type + "_token";
    }
    return {};
}

} // namespace

void SpecialTokens::trySet(const std::string& type, const Json& id, const std::string& source)
{
    if (!id.is_number_integer()) {
        return;
    }
    const std::optional<std::uint64_t> nonNegative = TokenizerFiles::nonNegativeInteger(id);
    if (!nonNegative) {
        throw Error(source + " gives the " + type + " token the negative id " + id.dump() +
                    "; fix the file (token ids are never negative)");
    }
    const std::uint64_t value = *nonNegative;
    if (value >= m_vocabSize) {
        logging::core()->warn("GGUF export: ignoring the {} token id {} from {}: the vocabulary has {} tokens", type,
                              value, source, m_vocabSize);
        return;
    }
    if (this->id(type)) {
        return;
    }
    m_ids.emplace_back(type, static_cast<std::uint32_t>(value));
}

void SpecialTokens::setFlag(const std::string& type, bool value)
{
    for (auto& [name, flag] : m_addFlags) {
        if (name == type) {
            flag = value;
            return;
        }
    }
    m_addFlags.emplace_back(type, value);
}

void SpecialTokens::setId(const std::string& type, std::uint32_t id)
{
    for (auto& [name, value] : m_ids) {
        if (name == type) {
            value = id;
            return;
        }
    }
    m_ids.emplace_back(type, id);
}

std::optional<std::uint32_t> SpecialTokens::id(const std::string& type) const
{
    for (const auto& [name, value] : m_ids) {
        if (name == type) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<bool> SpecialTokens::addFlag(const std::string& type) const
{
    for (const auto& [name, value] : m_addFlags) {
        if (name == type) {
            return value;
        }
    }
    return std::nullopt;
}

SpecialTokens SpecialTokens::read(const TokenizerFiles& files, const Json& config, std::uint32_t vocabSize)
{
    SpecialTokens result;
    result.m_vocabSize = vocabSize;
    std::vector<std::string> types = {"bos", "eos", "unk", "sep", "pad", "cls", "mask"};
    const std::string tokenizerPath = files.pathOf("tokenizer.json");

    // SpecialVocab._try_load_from_tokenizer_json
    const Json* tokenizer = files.tokenizerJson() ? &*files.tokenizerJson() : nullptr;
    Json addedTokens = Json::array();
    if (tokenizer != nullptr) {
        if (const Json& normalizer = get(*tokenizer, "normalizer"); truthy(normalizer)) {
            result.m_lowercase = lowercases(normalizer);
        }
        addedTokens = get(*tokenizer, "added_tokens");
    }
    // A copy: like SpecialVocab, the post-processor rules rewrite the special token names before the lookups.
    Json tokenizerConfig = files.tokenizerConfig() ? *files.tokenizerConfig() : Json();
    const bool haveConfig = truthy(tokenizerConfig);

    if (tokenizer != nullptr && truthy(*tokenizer)) {
        Json specialBos = contentOf(get(tokenizerConfig, "bos_token"));
        Json specialCls = contentOf(get(tokenizerConfig, "cls_token"));
        Json specialEos = contentOf(get(tokenizerConfig, "eos_token"));
        Json specialSep = contentOf(get(tokenizerConfig, "sep_token"));
        if (!truthy(specialBos) && truthy(specialCls) && haveConfig) {
            tokenizerConfig["bos_token"] = specialBos = specialCls;
        }
        if (!truthy(specialEos) && truthy(specialSep) && haveConfig) {
            tokenizerConfig["eos_token"] = specialEos = specialSep;
        }
        const Json& postProcessor = get(*tokenizer, "post_processor");
        if (truthy(postProcessor) && postProcessor.is_object()) {
            const Json& listed = get(postProcessor, "processors");
            const Json processors = postProcessor.contains("processors") ? listed : Json::array({postProcessor});
            for (const Json& processor : processors.is_array() ? processors : Json::array()) {
                const Json& processorType = get(processor, "type");
                if (processorType == "RobertaProcessing") {
                    result.setFlag("bos", true);
                    result.setFlag("eos", true);
                    result.setFlag("sep", true);
                    if (!truthy(specialCls) && haveConfig) {
                        const Json& cls = get(processor, "cls");
                        specialCls = cls.is_array() && !cls.empty() ? cls[0] : specialBos;
                        tokenizerConfig["cls_token"] = specialCls;
                    }
                    if (!truthy(specialSep) && haveConfig) {
                        const Json& sep = get(processor, "sep");
                        specialSep = sep.is_array() && !sep.empty() ? sep[0] : specialEos;
                        tokenizerConfig["sep_token"] = specialSep;
                    }
                    continue;
                }
                if (processorType != "TemplateProcessing") {
                    continue;
                }
                // Crude, like SpecialVocab: only simple templates are understood.
                const Json& single = get(processor, "single");
                const Json& pairTemplate = get(processor, "pair");
                Json specialFirst;
                Json specialLast;
                if (single.is_array() && single.size() > 1) {
                    specialFirst = pieceId(single.front(), "SpecialToken");
                    if (truthy(specialFirst)) {
                        if (!haveConfig) {
                            specialBos = specialFirst;
                        }
                        result.setFlag("bos", isOneOf(specialFirst, specialBos, specialCls));
                    }
                    specialLast = pieceId(single.back(), "SpecialToken");
                    if (truthy(specialLast)) {
                        if (!haveConfig) {
                            specialEos = specialLast;
                        } else if (specialLast != specialEos) {
                            // A template ending with another token than eos_token makes that token the eos; the
                            // old eos survives as eot (or eom).
                            if (std::find(types.begin(), types.end(), "eot") == types.end()) {
                                types.push_back("eot");
                                tokenizerConfig["eot_token"] = specialEos;
                            } else if (std::find(types.begin(), types.end(), "eom") == types.end()) {
                                types.push_back("eom");
                                tokenizerConfig["eom_token"] = specialEos;
                            }
                            tokenizerConfig["eos_token"] = specialEos = specialLast;
                        }
                        result.setFlag("eos", specialLast == specialEos);
                    }
                }
                if (pairTemplate.is_array() && !pairTemplate.empty()) {
                    const std::size_t start =
                        truthy(specialFirst) && pieceId(pairTemplate.front(), "SpecialToken") == specialFirst ? 1 : 0;
                    const std::size_t stop =
                        truthy(specialLast) && pieceId(pairTemplate.back(), "SpecialToken") == specialLast
                            ? pairTemplate.size() - 1
                            : pairTemplate.size();
                    if (start < stop) {
                        const Json& first = pairTemplate[start];
                        const Json& last = pairTemplate[stop - 1];
                        // A [sep] [eos] B: the pieces between the two sequences.
                        if (pieceId(first, "Sequence") == "A" && pieceId(last, "Sequence") == "B" && stop - start > 2) {
                            bool addSep = false;
                            const Json& entry = pieceId(pairTemplate[start + 1], "SpecialToken");
                            if (truthy(entry) && isOneOf(entry, specialSep, specialEos) && !truthy(specialLast)) {
                                addSep = true;
                            }
                            if (stop - start - 2 == 2) {
                                const Json& second = pieceId(pairTemplate[start + 2], "SpecialToken");
                                if (truthy(second) && isOneOf(second, specialSep, specialEos)) {
                                    addSep = true;
                                }
                            }
                            result.setFlag("sep", addSep);
                            if (addSep && !truthy(specialSep) && haveConfig) {
                                tokenizerConfig["sep_token"] = specialEos;
                            }
                        }
                    }
                }
            }
        }
    }

    if (haveConfig) {
        for (const std::string& type : types) {
            if (const Json& add = get(tokenizerConfig, ("add_" + type + "_token").c_str()); add.is_boolean()) {
                result.setFlag(type, add.get<bool>());
            }
            const Json& entry = get(tokenizerConfig, (type + "_token").c_str());
            const Json& content = entry.is_object() ? get(entry, "content") : entry;
            if (!content.is_string()) {
                continue;
            }
            if (!addedTokens.is_array()) {
                continue;
            }
            for (const Json& added : addedTokens) {
                if (get(added, "content") == content) {
                    result.trySet(type, get(added, "id"), tokenizerPath);
                    break;
                }
            }
        }
    }

    // SpecialVocab._try_load_from_config_json
    for (const std::string& type : types) {
        const std::string key = type + "_token_id";
        const Json* id = &get(config, key.c_str());
        if (id->is_null()) {
            id = &get(get(config, "text_config"), key.c_str());
        }
        result.trySet(type, *id, files.pathOf("config.json"));
    }
    return result;
}

void SpecialTokens::addTo(GgufMetadata& metadata) const
{
    for (const auto& [type, value] : m_ids) {
        if (const std::string key = idKey(type); !key.empty()) {
            metadata.set(key, GgufValue::uint32(value));
        }
    }
    for (const auto& [type, value] : m_addFlags) {
        if (const std::string key = flagKey(type); !key.empty()) {
            metadata.set(key, GgufValue::boolean(value));
        }
    }
    if (m_lowercase) {
        metadata.set("tokenizer.ggml.normalizer.lowercase", GgufValue::boolean(true));
    }
}

} // namespace deepext::gguf
