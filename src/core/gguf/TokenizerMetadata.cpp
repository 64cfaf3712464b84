#include "deepext/gguf/TokenizerMetadata.h"

#include "ByteLevelBpeVocabulary.h"
#include "ChatTemplates.h"
#include "LlamaHfVocabulary.h"
#include "SentencePieceVocabulary.h"
#include "SpecialTokens.h"
#include "TokenizerFiles.h"
#include "TokenizerVocabulary.h"
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

// config.json vocab_size, which a few per-model rules of convert test (not the embedding rows).
std::int64_t configVocabSize(const nlohmann::json& config, std::int64_t fallback)
{
    const nlohmann::json* size = member(config, "vocab_size");
    return size != nullptr && size->is_number_integer() ? size->get<std::int64_t>() : fallback;
}

TokenizerVocabulary byteLevelBpe(const TokenizerFiles& files, std::uint32_t vocabSize)
{
    if (!files.tokenizerJson()) {
        throw Error("there is no tokenizer in " + files.directory() +
                        ": looked for tokenizer.model and tokenizer.json; copy the tokenizer files of the base model "
                        "into the folder",
                    "GGUF export needs the tokenizer to write tokenizer.ggml.tokens");
    }
    return ByteLevelBpeVocabulary::build(*files.tokenizerJson(), files.pathOf("tokenizer.json"), vocabSize,
                                         files.readText("merges.txt"), files.pathOf("merges.txt"));
}

// The vocabulary path of each architecture's set_vocab in convert_hf_to_gguf.py.
TokenizerVocabulary vocabularyFor(const std::string& architecture, const TokenizerFiles& files, std::uint32_t vocabSize)
{
    const bool hasSentencePiece = files.exists("tokenizer.model");
    if (architecture == "llama") {
        // LlamaModel.set_vocab: tokenizer.model, else a converted SentencePiece tokenizer.json, else byte-level BPE.
        if (hasSentencePiece) {
            return SentencePieceVocabulary::build(files, vocabSize, SentencePieceVocabulary::AddedTokenRules::Standard);
        }
        if (files.tokenizerJson() && LlamaHfVocabulary::applies(*files.tokenizerJson())) {
            return LlamaHfVocabulary::build(files, vocabSize);
        }
        return byteLevelBpe(files, vocabSize);
    }
    if (architecture == "qwen2" || architecture == "qwen3") {
        if (hasSentencePiece) {
            return SentencePieceVocabulary::build(files, vocabSize, SentencePieceVocabulary::AddedTokenRules::Standard);
        }
        return byteLevelBpe(files, vocabSize);
    }
    if (architecture == "gemma2") {
        return SentencePieceVocabulary::build(files, vocabSize, SentencePieceVocabulary::AddedTokenRules::Standard);
    }
    // phi3: Phi-4 declares a GPT2Tokenizer; Phi-3 is SentencePiece with its own added-token rules.
    const nlohmann::json* tokenizerClass =
        files.tokenizerConfig() ? member(*files.tokenizerConfig(), "tokenizer_class") : nullptr;
    if (tokenizerClass != nullptr && *tokenizerClass == "GPT2Tokenizer") {
        return byteLevelBpe(files, vocabSize);
    }
    return SentencePieceVocabulary::build(files, vocabSize, SentencePieceVocabulary::AddedTokenRules::Phi3);
}

} // namespace

// vocabSize 0 means "no embedding table known": the tokenizer's own size is used, as convert does without a
// config.json vocab_size.
GgufMetadata readTokenizerMetadata(const std::string& modelDirectory, const nlohmann::json& config,
                                   const std::string& ggufArchitecture, std::uint32_t vocabSize)
{
    if (ggufArchitecture != "llama" && ggufArchitecture != "qwen2" && ggufArchitecture != "qwen3" &&
        ggufArchitecture != "gemma2" && ggufArchitecture != "phi3") {
        throw Error("GGUF export has no tokenizer rules for the architecture \"" + ggufArchitecture +
                    "\" (supported: llama, qwen2, qwen3, gemma2, phi3)");
    }
    if (vocabSize > TokenizerVocabulary::MaxSize) {
        throw Error("the vocabulary size " + std::to_string(vocabSize) + " of the model in " + modelDirectory +
                    " is far beyond any real tokenizer; check config.json vocab_size");
    }
    const TokenizerFiles files(modelDirectory);
    GgufMetadata metadata;

    // LlamaModel.set_vocab writes tokenizer_config.json add_prefix_space before the vocabulary.
    if (ggufArchitecture == "llama" && files.tokenizerConfig()) {
        const nlohmann::json* prefixSpace = member(*files.tokenizerConfig(), "add_prefix_space");
        if (prefixSpace != nullptr && prefixSpace->is_boolean()) {
            metadata.set("tokenizer.ggml.add_space_prefix", GgufValue::boolean(prefixSpace->get<bool>()));
        }
    }

    const TokenizerVocabulary vocabulary = vocabularyFor(ggufArchitecture, files, vocabSize);
    vocabulary.addTo(metadata);
    const auto tokenCount = static_cast<std::uint32_t>(vocabulary.tokens.size());

    SpecialTokens special = SpecialTokens::read(files, config, tokenCount);
    // LlamaModel.set_vocab: CodeLlama (vocab 32016) gets its EOT token by id. gguf-py has no writer for the
    // prefix/suffix/middle ids it also sets, so they are not written.
    if (ggufArchitecture == "llama" && configVocabSize(config, 32000) == 32016 && 32010 < tokenCount) {
        special.setId("eot", 32010);
    }
    special.addTo(metadata);
    ChatTemplates::read(files).addTo(metadata);

    if (ggufArchitecture == "gemma2") {
        metadata.set("tokenizer.ggml.add_space_prefix", GgufValue::boolean(false));
    }
    // LlamaModel.set_vocab: the small Granite models (vocab 49152) add no BOS.
    if (ggufArchitecture == "llama" && configVocabSize(config, 32000) == 49152) {
        metadata.set("tokenizer.ggml.add_bos_token", GgufValue::boolean(false));
    }
    return metadata;
}

} // namespace deepext::gguf
