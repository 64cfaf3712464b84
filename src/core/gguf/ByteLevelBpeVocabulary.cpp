#include "ByteLevelBpeVocabulary.h"

#include "BpePreTokenizer.h"
#include "TokenizerFiles.h"
#include "deepext/base/Error.h"

#include <sstream>

namespace deepext::gguf {
namespace {

struct VocabEntry
{
    std::string text;
    bool added = false;
    bool special = false;
};

const nlohmann::json* member(const nlohmann::json& object, const char* key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

std::string shortDump(const nlohmann::json& value)
{
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return text.size() > 80 ? text.substr(0, 80) + "..." : text;
}

// A token id as tokenizers writes it: a non-negative JSON integer.
std::uint64_t tokenId(const nlohmann::json& id, const std::string& token, const std::string& path)
{
    const std::optional<std::uint64_t> value = TokenizerFiles::nonNegativeInteger(id);
    if (!value) {
        throw Error("the token \"" + token + "\" in " + path + " has the id " + shortDump(id) +
                    ", which is not a non-negative integer; restore the file from the base model");
    }
    return *value;
}

// "a b" as llama.cpp splits it (at the first space after position 0): a space inside a part of the
// ["a","b"] form is written as U+0120, the GPT-2 alphabet's space (gguf-py SpecialVocab).
std::string mergePart(const std::string& part)
{
    std::string out;
    out.reserve(part.size());
    for (const char c : part) {
        if (c == ' ') {
            out += "\xC4\xA0";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

std::string trim(const std::string& text)
{
    static const char* const space = " \t\r\n\v\f";
    const std::size_t begin = text.find_first_not_of(space);
    if (begin == std::string::npos) {
        return {};
    }
    return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

// gguf-py SpecialVocab._try_load_merges_txt: an optional "#version" first line, then "left right" per line;
// blank lines are skipped and lines that are not exactly two words are ignored.
std::vector<std::string> parseMergesTxt(const std::string& text)
{
    std::vector<std::string> merges;
    std::istringstream lines(text);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        line = trim(line);
        if (first) {
            first = false;
            if (!line.empty() && line.front() == '#') {
                continue;
            }
        }
        if (line.empty()) {
            continue;
        }
        std::istringstream words(line);
        std::vector<std::string> parts;
        std::string word;
        while (parts.size() < 3 && words >> word) {
            parts.push_back(word);
        }
        if (parts.size() == 2) {
            merges.push_back(parts[0] + " " + parts[1]);
        }
    }
    return merges;
}

} // namespace

std::vector<std::string> ByteLevelBpeVocabulary::readMerges(const nlohmann::json& tokenizerJson,
                                                            const std::string& tokenizerPath,
                                                            const std::optional<std::string>& mergesTxt)
{
    std::vector<std::string> merges;
    const nlohmann::json* model = member(tokenizerJson, "model");
    const nlohmann::json* list = model != nullptr ? member(*model, "merges") : nullptr;
    if (list != nullptr && list->is_array() && !list->empty()) {
        const bool stringForm = (*list)[0].is_string();
        merges.reserve(list->size());
        for (const nlohmann::json& entry : *list) {
            if (stringForm && entry.is_string()) {
                merges.push_back(entry.get<std::string>());
            } else if (!stringForm && entry.is_array() && entry.size() == 2 && entry[0].is_string() &&
                       entry[1].is_string()) {
                merges.push_back(mergePart(entry[0].get<std::string>()) + " " + mergePart(entry[1].get<std::string>()));
            } else {
                throw Error("the merges in " + tokenizerPath +
                                " are neither all \"a b\" strings nor all [\"a\", \"b\"] " + "pairs (found " +
                                shortDump(entry) + "); restore the file from the base model",
                            "unknown tokenizer merges format");
            }
        }
        return merges;
    }
    if (list != nullptr && !list->is_null() && !list->is_array()) {
        throw Error("model.merges in " + tokenizerPath + " is not a list; restore the file from the base model");
    }
    if (mergesTxt) {
        merges = parseMergesTxt(*mergesTxt);
    }
    return merges;
}

TokenizerVocabulary ByteLevelBpeVocabulary::build(const nlohmann::json& tokenizerJson, const std::string& tokenizerPath,
                                                  std::uint32_t vocabSize, const std::optional<std::string>& mergesTxt,
                                                  const std::string& mergesTxtPath)
{
    if (vocabSize > TokenizerVocabulary::MaxSize) {
        throw Error("the vocabulary size " + std::to_string(vocabSize) + " given for " + tokenizerPath +
                    " is far beyond any real tokenizer; check config.json vocab_size");
    }
    const nlohmann::json* model = member(tokenizerJson, "model");
    if (model == nullptr || !model->is_object()) {
        throw Error(tokenizerPath + " has no tokenizer \"model\" section; restore the file from the base model");
    }
    const nlohmann::json* modelType = member(*model, "type");
    const std::string type = modelType != nullptr && modelType->is_string() ? modelType->get<std::string>() : "";
    if (type != "BPE") {
        throw Error("the tokenizer in " + tokenizerPath + " is a " + (type.empty() ? "typeless" : type) +
                    " model; GGUF export reads byte-level BPE tokenizer.json files and SentencePiece "
                    "tokenizer.model files only");
    }
    const nlohmann::json* vocab = member(*model, "vocab");
    if (vocab == nullptr || !vocab->is_object()) {
        throw Error(tokenizerPath + " has no model.vocab object; restore the file from the base model");
    }

    // id -> token, the model vocabulary first, then added_tokens (whose text wins for an id they share).
    std::vector<std::pair<std::uint64_t, VocabEntry>> byId;
    byId.reserve(vocab->size());
    std::uint64_t highest = 0;
    for (const auto& [text, id] : vocab->items()) {
        const std::uint64_t value = tokenId(id, text, tokenizerPath);
        highest = std::max(highest, value);
        byId.push_back({value, VocabEntry{text, false, false}});
    }
    if (const nlohmann::json* added = member(tokenizerJson, "added_tokens"); added != nullptr && !added->is_null()) {
        if (!added->is_array()) {
            throw Error("added_tokens in " + tokenizerPath + " is not a list; restore the file from the base model");
        }
        for (const nlohmann::json& token : *added) {
            const nlohmann::json* content = member(token, "content");
            const nlohmann::json* id = member(token, "id");
            if (content == nullptr || !content->is_string() || id == nullptr) {
                throw Error("an entry of added_tokens in " + tokenizerPath + " has no content or id (" +
                            shortDump(token) + "); restore the file from the base model");
            }
            const std::uint64_t value = tokenId(*id, content->get<std::string>(), tokenizerPath);
            highest = std::max(highest, value);
            const nlohmann::json* special = member(token, "special");
            byId.push_back({value, VocabEntry{content->get<std::string>(), true,
                                              special != nullptr && special->is_boolean() && special->get<bool>()}});
        }
    }
    if (byId.empty()) {
        throw Error(tokenizerPath + " has an empty vocabulary; restore the file from the base model");
    }
    if (highest >= TokenizerVocabulary::MaxSize) {
        throw Error("the tokenizer in " + tokenizerPath + " has the token id " + std::to_string(highest) +
                    ", far beyond any real vocabulary; restore the file from the base model");
    }
    const std::uint64_t size = vocabSize != 0 ? vocabSize : highest + 1;
    if (highest >= size) {
        throw Error("the tokenizer in " + tokenizerPath + " has token ids up to " + std::to_string(highest) +
                        " but the model has only " + std::to_string(size) +
                        " embedding rows (config.json vocab_size); the tokenizer does not belong to this model",
                    "tokenizer ids must be below the model's vocabulary size");
    }

    std::vector<const VocabEntry*> entries(size, nullptr);
    for (const auto& [id, entry] : byId) {
        if (entries[id] == nullptr || entry.added) {
            entries[id] = &entry;
        }
    }

    TokenizerVocabulary result;
    result.model = "gpt2";
    result.pre = BpePreTokenizer::identify(tokenizerJson, tokenizerPath);
    result.tokens.reserve(size);
    result.types.reserve(size);
    for (std::uint64_t id = 0; id < size; ++id) {
        const VocabEntry* entry = entries[id];
        if (entry == nullptr) {
            result.tokens.push_back(paddingTokenText(static_cast<std::uint32_t>(id)));
            result.types.push_back(TokenType::Unused);
        } else if (!entry->added) {
            result.tokens.push_back(entry->text);
            result.types.push_back(TokenType::Normal);
        } else if (entry->special || doesTokenLookSpecial(entry->text)) {
            result.tokens.push_back(entry->text);
            result.types.push_back(TokenType::Control);
        } else {
            result.tokens.push_back(replaceSentencePieceSpaces(entry->text));
            result.types.push_back(TokenType::UserDefined);
        }
    }

    result.merges = readMerges(tokenizerJson, tokenizerPath, mergesTxt);
    if (result.merges.empty()) {
        throw Error("the BPE tokenizer in " + tokenizerPath + " has no merges (and there is no usable " +
                        mergesTxtPath + "); llama.cpp cannot load a BPE vocabulary without them",
                    "restore tokenizer.json (or merges.txt) from the base model");
    }
    result.finish(tokenizerPath);
    return result;
}

} // namespace deepext::gguf
