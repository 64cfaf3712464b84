// SentencePiece tokenizers (tokenizer.model, read with libsentencepiece) for llama, gemma2, phi3 and qwen2, the
// tokenizer.json-only Llama path (convert's LlamaHfVocab), and every refusal.
#include "TokenType.h"
#include "TokenizerTestFolder.h"

#include <gtest/gtest.h>

#include <sentencepiece_processor.h>

using namespace tokenizer_test;
using deepext::gguf::TokenType;

namespace {

constexpr auto Str = GgufValueType::String;
constexpr auto U32 = GgufValueType::UInt32;
constexpr auto Bool = GgufValueType::Bool;
constexpr auto I32 = GgufValueType::Int32;
constexpr auto F32 = GgufValueType::Float32;

std::int32_t typeValue(TokenType type)
{
    return static_cast<std::int32_t>(type);
}

std::vector<KeyType> sentencePieceVocabularyKeys()
{
    return {{"tokenizer.ggml.model", Str},
            {"tokenizer.ggml.pre", Str},
            arrayKey("tokenizer.ggml.tokens", Str),
            arrayKey("tokenizer.ggml.scores", F32),
            arrayKey("tokenizer.ggml.token_type", I32)};
}

std::vector<KeyType> plus(std::vector<KeyType> keys, const std::vector<KeyType>& more)
{
    keys.insert(keys.end(), more.begin(), more.end());
    return keys;
}

// The library's own view of the model, the reference the metadata is checked against.
struct Reference
{
    std::vector<std::string> pieces;
    std::vector<float> scores;
    std::vector<std::int32_t> types;
};

Reference readWithSentencePiece(const std::string& path)
{
    sentencepiece::SentencePieceProcessor processor;
    EXPECT_TRUE(processor.Load(path).ok()) << path;
    Reference reference;
    for (int id = 0; id < processor.GetPieceSize(); ++id) {
        reference.pieces.push_back(processor.IdToPiece(id));
        reference.scores.push_back(processor.GetScore(id));
        TokenType type = TokenType::Normal;
        if (processor.IsUnknown(id)) {
            type = TokenType::Unknown;
        } else if (processor.IsControl(id)) {
            type = TokenType::Control;
        } else if (processor.IsUnused(id)) {
            type = TokenType::Unused;
        } else if (processor.IsByte(id)) {
            type = TokenType::Byte;
        }
        reference.types.push_back(typeValue(type));
    }
    return reference;
}

} // namespace

TEST(TokenizerMetadataSentencePiece, LlamaSpm_EveryKeyTyped_PiecesScoresAndTypesAsLibsentencepieceReadsThem)
{
    const TokenizerTestFolder folder("llama-spm");
    const GgufMetadata metadata = folder.read("llama");
    expectExactKeys(metadata, plus(sentencePieceVocabularyKeys(), {{"tokenizer.ggml.bos_token_id", U32},
                                                                   {"tokenizer.ggml.eos_token_id", U32},
                                                                   {"tokenizer.ggml.unknown_token_id", U32},
                                                                   {"tokenizer.ggml.add_bos_token", Bool},
                                                                   {"tokenizer.ggml.add_eos_token", Bool},
                                                                   {"tokenizer.ggml.add_sep_token", Bool},
                                                                   {"tokenizer.chat_template", Str}}));
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.model"), "llama");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.pre"), "default");

    const Reference reference = readWithSentencePiece(folder.file("tokenizer.model"));
    ASSERT_EQ(reference.pieces.size(), 1000u);
    auto types = reference.types;
    auto referenceScores = reference.scores;
    // tokenizer_config.json's added_tokens_decoder lists <unk> <s> </s> as special: CONTROL with score -1000.
    for (int id : {0, 1, 2}) {
        types[id] = typeValue(TokenType::Control);
        referenceScores[id] = -1000.0f;
    }
    EXPECT_EQ(strings(metadata, "tokenizer.ggml.tokens"), reference.pieces);
    EXPECT_EQ(scores(metadata), referenceScores);
    EXPECT_EQ(tokenTypes(metadata), types);
    // What the library itself says about the layout convert relies on.
    EXPECT_EQ(reference.types[0], typeValue(TokenType::Unknown));
    EXPECT_EQ(reference.types[1], typeValue(TokenType::Control));
    EXPECT_EQ(reference.pieces[3 + 0x0A], "<0x0A>");
    EXPECT_EQ(reference.types[3 + 0x0A], typeValue(TokenType::Byte));

    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.unknown_token_id"), 0u);
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_sep_token"));
}

TEST(TokenizerMetadataSentencePiece, IdsPastTheModel_BecomePadWithScoreMinus10000)
{
    const TokenizerTestFolder folder("llama-spm");
    const GgufMetadata metadata = folder.read("llama", 1032);
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    const auto padScores = scores(metadata);
    ASSERT_EQ(tokens.size(), 1032u);
    for (std::size_t id = 1000; id < 1032; ++id) {
        EXPECT_EQ(tokens[id], "[PAD" + std::to_string(id) + "]");
        EXPECT_EQ(types[id], typeValue(TokenType::Unused));
        EXPECT_EQ(padScores[id], -10000.0f);
    }
}

TEST(TokenizerMetadataSentencePiece, AddedTokensJson_AndAddedTokensDecoder)
{
    const TokenizerTestFolder folder("llama-spm");
    folder.writeJson("added_tokens.json", {{"<pad>", 1000}, {"<extra>", 1001}, {"<far>", 5000}});
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["added_tokens_decoder"]["1002"] = {{"content", "\xE2\x96\x81<tool>"}, {"special", false}};
    config["added_tokens_decoder"]["1003"] = {{"content", "<|assistant|>"}, {"special", false}};
    config["added_tokens_decoder"]["1004"] = {{"content", "<think>"}, {"special", true}};
    config["added_tokens_decoder"]["9999"] = {{"content", "<ignored>"}, {"special", true}};
    folder.writeJson("tokenizer_config.json", config);
    const GgufMetadata metadata = folder.read("llama", 1008);
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    const auto values = scores(metadata);
    EXPECT_EQ(tokens[1000], "<pad>");
    EXPECT_EQ(types[1000], typeValue(TokenType::UserDefined));
    EXPECT_EQ(values[1000], -1000.0f);
    EXPECT_EQ(tokens[1001], "<extra>");
    EXPECT_EQ(tokens[1002], " <tool>"); // user-defined: "▁" pre-normalised to a space
    EXPECT_EQ(types[1002], typeValue(TokenType::UserDefined));
    EXPECT_EQ(types[1003], typeValue(TokenType::Control)); // not special, but looks special
    EXPECT_EQ(types[1004], typeValue(TokenType::Control));
    EXPECT_EQ(values[1004], -1000.0f);
    EXPECT_EQ(tokens[1005], "[PAD1005]");
}

TEST(TokenizerMetadataSentencePiece, GemmaSpm_AlwaysSentencePiece_NoSpacePrefix_SpecialsControl)
{
    const TokenizerTestFolder folder("gemma-spm");
    const GgufMetadata metadata = folder.read("gemma2");
    expectExactKeys(metadata, plus(sentencePieceVocabularyKeys(), {{"tokenizer.ggml.bos_token_id", U32},
                                                                   {"tokenizer.ggml.eos_token_id", U32},
                                                                   {"tokenizer.ggml.unknown_token_id", U32},
                                                                   {"tokenizer.ggml.padding_token_id", U32},
                                                                   {"tokenizer.ggml.add_bos_token", Bool},
                                                                   {"tokenizer.ggml.add_eos_token", Bool},
                                                                   {"tokenizer.ggml.add_sep_token", Bool},
                                                                   {"tokenizer.ggml.add_space_prefix", Bool},
                                                                   {"tokenizer.chat_template", Str}}));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_space_prefix"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), 0u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 1u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 2u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.unknown_token_id"), 3u);
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    const Reference reference = readWithSentencePiece(folder.file("tokenizer.model"));
    // <mask> is a user-defined piece (NORMAL to the library) and not special in tokenizer_config.json, but it
    // looks special: CONTROL. The turn markers are special.
    EXPECT_EQ(reference.types[4], typeValue(TokenType::Normal));
    for (std::size_t id = 0; id < 7; ++id) {
        EXPECT_EQ(types[id], typeValue(TokenType::Control)) << tokens[id];
    }
    EXPECT_EQ(tokens[5], "<start_of_turn>");
    for (std::size_t id = 7; id < tokens.size(); ++id) {
        ASSERT_EQ(tokens[id], reference.pieces[id]);
        ASSERT_EQ(types[id], reference.types[id]) << tokens[id];
    }
}

TEST(TokenizerMetadataSentencePiece, Phi3Spm_OwnRules_SpecialOnlyWhenMarked_PaddedTable)
{
    const TokenizerTestFolder folder("phi3-spm");
    const GgufMetadata metadata = folder.read("phi3");
    expectExactKeys(metadata, plus(sentencePieceVocabularyKeys(), {{"tokenizer.ggml.bos_token_id", U32},
                                                                   {"tokenizer.ggml.eos_token_id", U32},
                                                                   {"tokenizer.ggml.unknown_token_id", U32},
                                                                   {"tokenizer.ggml.padding_token_id", U32},
                                                                   {"tokenizer.ggml.add_bos_token", Bool},
                                                                   {"tokenizer.ggml.add_eos_token", Bool},
                                                                   {"tokenizer.ggml.add_sep_token", Bool},
                                                                   {"tokenizer.chat_template", Str}}));
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    ASSERT_EQ(tokens.size(), 1064u);
    // </s> is marked not special (as in Phi-3): USER_DEFINED, where the standard rules would keep it CONTROL.
    EXPECT_EQ(tokens[2], "</s>");
    EXPECT_EQ(types[2], typeValue(TokenType::UserDefined));
    EXPECT_EQ(types[1], typeValue(TokenType::Control));
    EXPECT_EQ(tokens[1000], "<|endoftext|>");
    EXPECT_EQ(tokens[1007], "<|end|>");
    EXPECT_EQ(tokens[1010], "<|user|>");
    for (std::size_t id = 1000; id < 1011; ++id) {
        EXPECT_EQ(types[id], typeValue(TokenType::Control)) << tokens[id];
    }
    EXPECT_EQ(tokens[1011], "[PAD1011]");
    EXPECT_EQ(types[1063], typeValue(TokenType::Unused));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 1000u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), 1000u);
    // add_bos_token false in tokenizer_config.json overrides the post-processor's <s>.
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));

    // No looks-special rule for Phi-3: a placeholder marked not special stays USER_DEFINED, where the standard
    // rules (as llama reads the same files) make it CONTROL.
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["added_tokens_decoder"]["1008"]["special"] = false;
    folder.writeJson("tokenizer_config.json", config);
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    for (auto& added : tokenizer["added_tokens"]) {
        if (added["id"] == 1008) {
            added["special"] = false;
        }
    }
    folder.writeJson("tokenizer.json", tokenizer);
    EXPECT_EQ(tokenTypes(folder.read("phi3"))[1008], typeValue(TokenType::UserDefined));
    EXPECT_EQ(tokenTypes(folder.read("llama", 1064))[1008], typeValue(TokenType::Control));
}

TEST(TokenizerMetadataSentencePiece, Phi3WithGpt2Tokenizer_TakesTheBytePairPath)
{
    const TokenizerTestFolder folder("llama3-bpe");
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["tokenizer_class"] = "GPT2Tokenizer";
    folder.writeJson("tokenizer_config.json", config);
    const GgufMetadata metadata = folder.read("phi3");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.pre"), "llama-bpe");
}

TEST(TokenizerMetadataSentencePiece, Qwen2WithTokenizerModel_TakesTheSentencePiecePath)
{
    const TokenizerTestFolder folder("llama-spm");
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.model"), "llama");
    EXPECT_EQ(strings(metadata, "tokenizer.ggml.tokens"), strings(folder.read("llama"), "tokenizer.ggml.tokens"));
}

TEST(TokenizerMetadataSentencePiece, LlamaWithOnlyTokenizerJson_IsReadAsConvertsLlamaHfVocab)
{
    const TokenizerTestFolder folder("llama-spm");
    const Reference reference = readWithSentencePiece(folder.file("tokenizer.model"));
    folder.remove("tokenizer.model");
    const GgufMetadata metadata = folder.read("llama", 1004);
    expectExactKeys(metadata, plus(sentencePieceVocabularyKeys(), {{"tokenizer.ggml.bos_token_id", U32},
                                                                   {"tokenizer.ggml.eos_token_id", U32},
                                                                   {"tokenizer.ggml.unknown_token_id", U32},
                                                                   {"tokenizer.ggml.add_bos_token", Bool},
                                                                   {"tokenizer.ggml.add_eos_token", Bool},
                                                                   {"tokenizer.ggml.add_sep_token", Bool},
                                                                   {"tokenizer.chat_template", Str}}));
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.model"), "llama");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.pre"), "default");
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    const auto values = scores(metadata);
    ASSERT_EQ(tokens.size(), 1004u);
    for (std::size_t id = 0; id < 1000; ++id) {
        ASSERT_EQ(tokens[id], reference.pieces[id]);
        ASSERT_EQ(values[id], -1000.0f);
    }
    // <unk> <s> </s> are the tokenizer's special tokens (LlamaTokenizer's); <0xNN> are bytes; the rest normal.
    EXPECT_EQ(types[0], typeValue(TokenType::Control));
    EXPECT_EQ(types[1], typeValue(TokenType::Control));
    EXPECT_EQ(types[2], typeValue(TokenType::Control));
    EXPECT_EQ(types[3 + 0x41], typeValue(TokenType::Byte));
    EXPECT_EQ(types[500], typeValue(TokenType::Normal));
    // Padded to the embedding rows, which llama.cpp needs (the token count sets the embedding shape).
    EXPECT_EQ(tokens[1003], "[PAD1003]");
    EXPECT_EQ(types[1003], typeValue(TokenType::Unused));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 1u);

    // Without byte_fallback it is a byte-level BPE tokenizer.json, which this one is not (no pre-tokenizer).
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    tokenizer["model"]["byte_fallback"] = false;
    folder.writeJson("tokenizer.json", tokenizer);
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find("no pre_tokenizer"), std::string::npos);
}

TEST(TokenizerMetadataSentencePiece, LlamaAddPrefixSpace_IsWrittenAsAddSpacePrefix)
{
    const TokenizerTestFolder folder("llama-spm");
    EXPECT_FALSE(folder.read("llama").contains("tokenizer.ggml.add_space_prefix"));
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["add_prefix_space"] = false;
    folder.writeJson("tokenizer_config.json", config);
    EXPECT_FALSE(boolOf(folder.read("llama"), "tokenizer.ggml.add_space_prefix"));
    // Only LlamaModel writes it.
    EXPECT_FALSE(folder.read("qwen2").contains("tokenizer.ggml.add_space_prefix"));
}

TEST(TokenizerMetadataSentencePiece, MissingEmptyOrDamagedTokenizerModel_IsRefusedNamingIt)
{
    const TokenizerTestFolder folder("gemma-spm");
    folder.remove("tokenizer.model");
    for (const char* architecture : {"gemma2", "phi3"}) {
        const std::string error = errorOf([&] { folder.read(architecture); });
        EXPECT_NE(error.find("tokenizer.model"), std::string::npos) << error;
        EXPECT_NE(error.find(folder.path()), std::string::npos) << error;
    }

    folder.writeText("tokenizer.model", "");
    std::string error = errorOf([&] { folder.read("gemma2"); });
    EXPECT_NE(error.find(folder.file("tokenizer.model")), std::string::npos) << error;
    EXPECT_NE(error.find("empty"), std::string::npos) << error;

    // A damaged file: libsentencepiece's own message goes into the details.
    std::string damaged = readText(fixturePath("gemma-spm") + "/tokenizer.model");
    damaged.resize(damaged.size() / 3);
    folder.writeText("tokenizer.model", damaged);
    error = errorOf([&] { folder.read("gemma2"); });
    EXPECT_NE(error.find(folder.file("tokenizer.model")), std::string::npos) << error;
    EXPECT_NE(error.find("SentencePiece model"), std::string::npos) << error;
    EXPECT_GT(error.size(), error.find('\n') + 1) << "the library's message is missing: " << error;

    folder.writeText("tokenizer.model", "this is not a protobuf");
    EXPECT_NE(errorOf([&] { folder.read("gemma2"); }).find(folder.file("tokenizer.model")), std::string::npos);
}

TEST(TokenizerMetadataSentencePiece, MorePiecesThanEmbeddingRows_IsRefusedNamingBothNumbers)
{
    const TokenizerTestFolder folder("llama-spm");
    const std::string error = errorOf([&] { folder.read("llama", 900); });
    EXPECT_NE(error.find("1000 pieces"), std::string::npos) << error;
    EXPECT_NE(error.find("900"), std::string::npos) << error;
    EXPECT_NE(error.find(folder.file("tokenizer.model")), std::string::npos) << error;
}

TEST(TokenizerMetadataSentencePiece, BadAddedTokenFiles_AreRefusedNamingTheFile)
{
    const TokenizerTestFolder folder("llama-spm");
    folder.writeText("added_tokens.json", "{\"<x>\": ");
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find(folder.file("added_tokens.json")), std::string::npos);
    folder.writeJson("added_tokens.json", {{"<x>", "one"}});
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find(folder.file("added_tokens.json")), std::string::npos);
    folder.remove("added_tokens.json");

    nlohmann::json config = folder.json("tokenizer_config.json");
    config["added_tokens_decoder"]["one"] = {{"content", "<x>"}};
    folder.writeJson("tokenizer_config.json", config);
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find(folder.file("tokenizer_config.json")), std::string::npos);
}
