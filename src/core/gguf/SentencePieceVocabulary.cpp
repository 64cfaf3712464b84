#include "SentencePieceVocabulary.h"

#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"

#include <charconv>
#include <filesystem>
#include <sentencepiece_processor.h>

namespace deepext::gguf {
namespace {

constexpr float AddedTokenScore = -1000.0f;
constexpr float PaddingScore = -10000.0f;

const nlohmann::json* member(const nlohmann::json& object, const char* key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool isTrue(const nlohmann::json* value)
{
    return value != nullptr && value->is_boolean() && value->get<bool>();
}

// Places one added token, or says why it is skipped (an id past the embedding table, as convert skips it).
bool inRange(std::uint64_t id, std::size_t size, const std::string& text, const std::string& path)
{
    if (id < size) {
        return true;
    }
    logging::core()->warn("GGUF export: ignoring the added token \"{}\" of {}: its id {} is past the model's {} "
                          "embedding rows",
                          text, path, id, size);
    return false;
}

void setAdded(TokenizerVocabulary& vocabulary, std::uint64_t id, std::string text, TokenType type)
{
    vocabulary.tokens[id] = std::move(text);
    vocabulary.types[id] = type;
    vocabulary.scores[id] = AddedTokenScore;
}

void applyAddedTokensJson(TokenizerVocabulary& vocabulary, const TokenizerFiles& files)
{
    if (!files.addedTokens()) {
        return;
    }
    const std::string path = files.pathOf("added_tokens.json");
    for (const auto& [text, id] : files.addedTokens()->items()) {
        const std::optional<std::uint64_t> value = TokenizerFiles::nonNegativeInteger(id);
        if (!value) {
            throw Error("the added token \"" + text + "\" in " + path +
                        " has no non-negative integer id; restore the file from the base model");
        }
        if (inRange(*value, vocabulary.tokens.size(), text, path)) {
            setAdded(vocabulary, *value, text, TokenType::UserDefined);
        }
    }
}

TokenType addedType(const std::string& text, bool special, SentencePieceVocabulary::AddedTokenRules rules)
{
    if (rules == SentencePieceVocabulary::AddedTokenRules::Phi3) {
        return special ? TokenType::Control : TokenType::UserDefined;
    }
    return special || doesTokenLookSpecial(text) ? TokenType::Control : TokenType::UserDefined;
}

void applyAddedTokensDecoder(TokenizerVocabulary& vocabulary, const TokenizerFiles& files,
                             SentencePieceVocabulary::AddedTokenRules rules)
{
    const nlohmann::json* decoder =
        files.tokenizerConfig() ? member(*files.tokenizerConfig(), "added_tokens_decoder") : nullptr;
    if (decoder == nullptr || decoder->is_null()) {
        return;
    }
    const std::string path = files.pathOf("tokenizer_config.json");
    if (!decoder->is_object()) {
        throw Error("added_tokens_decoder in " + path + " is not an object; restore the file from the base model");
    }
    for (const auto& [key, token] : decoder->items()) {
        std::uint64_t id = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), id);
        const nlohmann::json* content = member(token, "content");
        if (error != std::errc() || end != key.data() + key.size() || content == nullptr || !content->is_string()) {
            throw Error("the entry \"" + key + "\" of added_tokens_decoder in " + path +
                        " is not an id with a content text; restore the file from the base model");
        }
        std::string text = content->get<std::string>();
        if (!inRange(id, vocabulary.tokens.size(), text, path)) {
            continue;
        }
        const TokenType type = addedType(text, isTrue(member(token, "special")), rules);
        if (type == TokenType::UserDefined && rules == SentencePieceVocabulary::AddedTokenRules::Standard) {
            text = replaceSentencePieceSpaces(std::move(text));
        }
        setAdded(vocabulary, id, std::move(text), type);
    }
}

// Phi-3 also takes tokenizer.json's added_tokens, with the same rules.
void applyTokenizerJsonAddedTokens(TokenizerVocabulary& vocabulary, const TokenizerFiles& files)
{
    const nlohmann::json* added = files.tokenizerJson() ? member(*files.tokenizerJson(), "added_tokens") : nullptr;
    if (added == nullptr || added->is_null()) {
        return;
    }
    const std::string path = files.pathOf("tokenizer.json");
    if (!added->is_array()) {
        throw Error("added_tokens in " + path + " is not a list; restore the file from the base model");
    }
    for (const nlohmann::json& token : *added) {
        const nlohmann::json* content = member(token, "content");
        const nlohmann::json* id = member(token, "id");
        if (content == nullptr || !content->is_string() || id == nullptr || !TokenizerFiles::nonNegativeInteger(*id)) {
            throw Error("an entry of added_tokens in " + path +
                        " has no content text or no non-negative integer id; restore the file from the base model");
        }
        const std::uint64_t value = TokenizerFiles::nonNegativeInteger(*id).value_or(0);
        const std::string text = content->get<std::string>();
        if (inRange(value, vocabulary.tokens.size(), text, path)) {
            setAdded(vocabulary, value, text,
                     addedType(text, isTrue(member(token, "special")), SentencePieceVocabulary::AddedTokenRules::Phi3));
        }
    }
}

} // namespace

TokenizerVocabulary SentencePieceVocabulary::build(const TokenizerFiles& files, std::uint32_t vocabSize,
                                                   AddedTokenRules rules)
{
    const std::string path = files.pathOf("tokenizer.model");
    if (!files.exists("tokenizer.model")) {
        throw Error("there is no tokenizer.model in " + files.directory() +
                    "; this model's GGUF export needs its SentencePiece model: copy tokenizer.model from the base "
                    "model into the folder");
    }
    std::error_code ec;
    if (std::filesystem::file_size(path, ec) == 0 && !ec) {
        throw Error(path + " is empty; copy tokenizer.model from the base model into the folder");
    }
    sentencepiece::SentencePieceProcessor processor;
    if (const auto status = processor.Load(path); !status.ok()) {
        throw Error("cannot read " + path +
                        " as a SentencePiece model (it is damaged or not a tokenizer.model); copy it again from the "
                        "base model",
                    status.ToString());
    }
    const auto pieces = static_cast<std::uint32_t>(processor.GetPieceSize());
    const std::uint32_t size = vocabSize != 0 ? vocabSize : pieces;
    if (pieces > size) {
        throw Error("the SentencePiece model " + path + " has " + std::to_string(pieces) +
                        " pieces but the model has only " + std::to_string(size) +
                        " embedding rows (config.json vocab_size); the tokenizer does not belong to this model",
                    "tokenizer ids must be below the model's vocabulary size");
    }

    TokenizerVocabulary vocabulary;
    vocabulary.model = "llama";
    vocabulary.pre = "default";
    vocabulary.tokens.resize(size);
    vocabulary.types.assign(size, TokenType::Unused);
    vocabulary.scores.assign(size, PaddingScore);
    for (std::uint32_t id = 0; id < size; ++id) {
        if (id >= pieces) {
            vocabulary.tokens[id] = paddingTokenText(id);
            continue;
        }
        const int piece = static_cast<int>(id);
        vocabulary.tokens[id] = processor.IdToPiece(piece);
        vocabulary.scores[id] = processor.GetScore(piece);
        if (processor.IsUnknown(piece)) {
            vocabulary.types[id] = TokenType::Unknown;
        } else if (processor.IsControl(piece)) {
            vocabulary.types[id] = TokenType::Control;
        } else if (processor.IsUnused(piece)) {
            vocabulary.types[id] = TokenType::Unused;
        } else if (processor.IsByte(piece)) {
            vocabulary.types[id] = TokenType::Byte;
        } else {
            vocabulary.types[id] = TokenType::Normal;
        }
    }
    applyAddedTokensJson(vocabulary, files);
    applyAddedTokensDecoder(vocabulary, files, rules);
    if (rules == AddedTokenRules::Phi3) {
        applyTokenizerJsonAddedTokens(vocabulary, files);
    }
    vocabulary.finish(path);
    return vocabulary;
}

} // namespace deepext::gguf
