// Byte-level BPE tokenizers (tokenizer.json) as llama.cpp's converter writes them: the llama3-bpe and qwen2-bpe
// fixtures end to end, both merge forms, merges.txt, the pre-tokenizer names and every refusal.
#include "BpePreTokenizer.h"
#include "TokenType.h"
#include "TokenizerTestFolder.h"

#include <gtest/gtest.h>

using namespace tokenizer_test;
using deepext::gguf::TokenType;

namespace {

constexpr auto Str = GgufValueType::String;
constexpr auto U32 = GgufValueType::UInt32;
constexpr auto Bool = GgufValueType::Bool;
constexpr auto I32 = GgufValueType::Int32;

std::int32_t typeValue(TokenType type)
{
    return static_cast<std::int32_t>(type);
}

// The fixture's tokenizer.json with its merges rewritten in the other form.
nlohmann::json withMerges(nlohmann::json tokenizer, bool pairs)
{
    nlohmann::json merges = nlohmann::json::array();
    for (const auto& merge : tokenizer["model"]["merges"]) {
        if (pairs) {
            const std::string text = merge.get<std::string>();
            const std::size_t space = text.find(' ', 1);
            merges.push_back({text.substr(0, space), text.substr(space + 1)});
        } else {
            merges.push_back(merge[0].get<std::string>() + " " + merge[1].get<std::string>());
        }
    }
    tokenizer["model"]["merges"] = merges;
    return tokenizer;
}

} // namespace

TEST(TokenizerMetadataBpe, Llama3_WritesEveryKeyWithItsExactType)
{
    const TokenizerTestFolder folder("llama3-bpe");
    const GgufMetadata metadata = folder.read("llama");
    expectExactKeys(metadata, {{"tokenizer.ggml.model", Str},
                               {"tokenizer.ggml.pre", Str},
                               arrayKey("tokenizer.ggml.tokens", Str),
                               arrayKey("tokenizer.ggml.token_type", I32),
                               arrayKey("tokenizer.ggml.merges", Str),
                               {"tokenizer.ggml.bos_token_id", U32},
                               {"tokenizer.ggml.eos_token_id", U32},
                               {"tokenizer.ggml.add_bos_token", Bool},
                               {"tokenizer.ggml.add_sep_token", Bool},
                               {"tokenizer.chat_template", Str}});
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.model"), "gpt2");
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.pre"), "llama-bpe");

    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const std::vector<std::string> tokens = strings(metadata, "tokenizer.ggml.tokens");
    const std::vector<std::int32_t> types = tokenTypes(metadata);
    ASSERT_EQ(tokens.size(), 800u);
    ASSERT_EQ(types.size(), tokens.size());
    for (const auto& [text, id] : tokenizer["model"]["vocab"].items()) {
        ASSERT_EQ(tokens.at(id.get<std::size_t>()), text);
        EXPECT_EQ(types.at(id.get<std::size_t>()), typeValue(TokenType::Normal)) << text;
    }
    for (const auto& added : tokenizer["added_tokens"]) {
        const auto id = added["id"].get<std::size_t>();
        EXPECT_EQ(tokens.at(id), added["content"].get<std::string>());
        EXPECT_EQ(types.at(id), typeValue(TokenType::Control)) << added["content"];
    }

    // ["a","b"] pairs joined by one space, in order.
    const std::vector<std::string> merges = strings(metadata, "tokenizer.ggml.merges");
    const auto& source = tokenizer["model"]["merges"];
    ASSERT_EQ(merges.size(), source.size());
    for (std::size_t k = 0; k < merges.size(); ++k) {
        EXPECT_EQ(merges[k], source[k][0].get<std::string>() + " " + source[k][1].get<std::string>());
    }
    EXPECT_EQ(merges.front(), "\xC4\xA0 t"); // "Ġ t": the first merge the trainer learned
}

TEST(TokenizerMetadataBpe, Llama3_SpecialIdsFromTokenizerConfig_AddBosFromPostProcessor_ListEosIgnored)
{
    const TokenizerTestFolder folder("llama3-bpe");
    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const GgufMetadata metadata = folder.read("llama");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), idInTokenizerJson(tokenizer, "<|begin_of_text|>"));
    // eos_token is <|eot_id|>; config.json's Llama 3.1 list [<|end_of_text|>, <|eot_id|>] is not used.
    ASSERT_TRUE(folder.config()["eos_token_id"].is_array());
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|eot_id|>"));
    // tokenizer_config.json has no add_bos_token: the TemplateProcessing post-processor's single template starts
    // with the bos token, and its pair template puts no separator between the sequences.
    ASSERT_FALSE(folder.json("tokenizer_config.json").contains("add_bos_token"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_sep_token"));
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"),
              folder.json("tokenizer_config.json")["chat_template"].get<std::string>());
}

TEST(TokenizerMetadataBpe, Qwen2_PadsToTheEmbeddingRows_BosFromConfigJson_UserDefinedAddedTokens)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    const GgufMetadata metadata = folder.read("qwen2");
    expectExactKeys(metadata, {{"tokenizer.ggml.model", Str},
                               {"tokenizer.ggml.pre", Str},
                               arrayKey("tokenizer.ggml.tokens", Str),
                               arrayKey("tokenizer.ggml.token_type", I32),
                               arrayKey("tokenizer.ggml.merges", Str),
                               {"tokenizer.ggml.bos_token_id", U32},
                               {"tokenizer.ggml.eos_token_id", U32},
                               {"tokenizer.ggml.padding_token_id", U32},
                               {"tokenizer.chat_template", Str}});
    EXPECT_EQ(stringOf(metadata, "tokenizer.ggml.pre"), "qwen2");

    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const std::vector<std::string> tokens = strings(metadata, "tokenizer.ggml.tokens");
    const std::vector<std::int32_t> types = tokenTypes(metadata);
    const std::uint32_t rows = folder.config()["vocab_size"].get<std::uint32_t>();
    const std::uint32_t used =
        static_cast<std::uint32_t>(tokenizer["model"]["vocab"].size() + tokenizer["added_tokens"].size());
    ASSERT_EQ(tokens.size(), rows);
    ASSERT_LT(used, rows);
    for (std::uint32_t id = used; id < rows; ++id) {
        EXPECT_EQ(tokens[id], "[PAD" + std::to_string(id) + "]");
        EXPECT_EQ(types[id], typeValue(TokenType::Unused));
    }
    const std::uint32_t endOfText = idInTokenizerJson(tokenizer, "<|endoftext|>");
    EXPECT_EQ(types[idInTokenizerJson(tokenizer, "<|im_start|>")], typeValue(TokenType::Control));
    EXPECT_EQ(types[idInTokenizerJson(tokenizer, "<tool_call>")], typeValue(TokenType::UserDefined));
    EXPECT_EQ(tokens[idInTokenizerJson(tokenizer, "</tool_call>")], "</tool_call>");
    EXPECT_EQ(types[idInTokenizerJson(tokenizer, "</tool_call>")], typeValue(TokenType::UserDefined));

    // bos_token is null in tokenizer_config.json: the id comes from config.json.
    ASSERT_TRUE(folder.json("tokenizer_config.json")["bos_token"].is_null());
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), endOfText);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|im_end|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), endOfText);
    // "a b" merges are kept as they are.
    EXPECT_EQ(strings(metadata, "tokenizer.ggml.merges"), tokenizer["model"]["merges"].get<std::vector<std::string>>());
    // The ByteLevel post-processor adds nothing, so no add_bos_token key: llama.cpp's qwen2 default (false) holds.
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.add_bos_token"));
}

TEST(TokenizerMetadataBpe, Qwen3_TakesTheSameBytePairPath)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    const GgufMetadata qwen2 = folder.read("qwen2");
    const GgufMetadata qwen3 = folder.read("qwen3");
    EXPECT_EQ(qwen2.entries().size(), qwen3.entries().size());
    EXPECT_EQ(strings(qwen3, "tokenizer.ggml.tokens"), strings(qwen2, "tokenizer.ggml.tokens"));
    EXPECT_EQ(stringOf(qwen3, "tokenizer.ggml.pre"), "qwen2");
}

TEST(TokenizerMetadataBpe, MergesInBothForms_GiveTheSameMetadata)
{
    const TokenizerTestFolder pairs("llama3-bpe");
    const TokenizerTestFolder strings_("llama3-bpe");
    strings_.writeJson("tokenizer.json", withMerges(pairs.json("tokenizer.json"), false));
    const GgufMetadata fromPairs = pairs.read("llama");
    const GgufMetadata fromStrings = strings_.read("llama");
    EXPECT_EQ(fromPairs.entries().size(), fromStrings.entries().size());
    for (const auto& entry : fromPairs.entries()) {
        EXPECT_EQ(entry.value, value(fromStrings, entry.key)) << entry.key;
    }

    const TokenizerTestFolder qwenStrings("qwen2-bpe");
    const TokenizerTestFolder qwenPairs("qwen2-bpe");
    qwenPairs.writeJson("tokenizer.json", withMerges(qwenStrings.json("tokenizer.json"), true));
    EXPECT_EQ(strings(qwenPairs.read("qwen2"), "tokenizer.ggml.merges"),
              strings(qwenStrings.read("qwen2"), "tokenizer.ggml.merges"));
}

TEST(TokenizerMetadataBpe, PairMerges_SpaceInsideAPartIsWrittenAsU0120)
{
    const TokenizerTestFolder folder("llama3-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    tokenizer["model"]["merges"] = nlohmann::json::array({{"a b", "c"}, {" ", "x y"}});
    folder.writeJson("tokenizer.json", tokenizer);
    EXPECT_EQ(strings(folder.read("llama"), "tokenizer.ggml.merges"),
              (std::vector<std::string>{"a\xC4\xA0"
                                        "b c",
                                        "\xC4\xA0 x\xC4\xA0y"}));
}

TEST(TokenizerMetadataBpe, MergesTxt_IsReadWhenTokenizerJsonHasNoMerges)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    const auto expected = tokenizer["model"]["merges"].get<std::vector<std::string>>();
    std::string mergesTxt = "#version: 0.2\n";
    for (const std::string& merge : expected) {
        mergesTxt += merge + "\n";
    }
    mergesTxt += "\nnot three words\n"; // blank lines are skipped, lines that are not two words ignored
    tokenizer["model"]["merges"] = nlohmann::json::array();
    folder.writeJson("tokenizer.json", tokenizer);
    folder.writeText("merges.txt", mergesTxt);
    EXPECT_EQ(strings(folder.read("qwen2"), "tokenizer.ggml.merges"), expected);

    folder.remove("merges.txt");
    const std::string error = errorOf([&] { folder.read("qwen2"); });
    EXPECT_NE(error.find(folder.file("tokenizer.json")), std::string::npos) << error;
    EXPECT_NE(error.find("no merges"), std::string::npos) << error;
}

TEST(TokenizerMetadataBpe, PreTokenizer_RecognisedFromItsPattern)
{
    using deepext::gguf::BpePreTokenizer;
    const auto split = [](const char* pattern) {
        return nlohmann::json{
            {"pre_tokenizer",
             {{"type", "Sequence"},
              {"pretokenizers",
               {{{"type", "Split"}, {"pattern", {{"Regex", pattern}}}, {"behavior", "Isolated"}, {"invert", false}},
                {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", false}}}}}}};
    };
    EXPECT_EQ(BpePreTokenizer::identify(split(BpePreTokenizer::llama3Pattern()), "t.json"), "llama-bpe");
    EXPECT_EQ(BpePreTokenizer::identify(split(BpePreTokenizer::qwen2Pattern()), "t.json"), "qwen2");
    // Mistral Nemo's tekken tokenizer.json (llama.cpp's LLAMA_VOCAB_PRE_TYPE_TEKKEN quotes the same regex).
    EXPECT_EQ(
        BpePreTokenizer::identify(
            split(
                R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)"),
            "t.json"),
        "tekken");
    // GPT-2: a ByteLevel pre-tokenizer with its own regex (the demo model's shape).
    const nlohmann::json gpt2 = {
        {"pre_tokenizer",
         {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"trim_offsets", true}, {"use_regex", true}}}};
    EXPECT_EQ(BpePreTokenizer::identify(gpt2, "t.json"), "gpt-2");
    // A prefix space changes the tokenization, so it is no longer llama.cpp's gpt-2.
    nlohmann::json prefixed = gpt2;
    prefixed["pre_tokenizer"]["add_prefix_space"] = true;
    EXPECT_THROW(BpePreTokenizer::identify(prefixed, "t.json"), deepext::Error);
    // The Split must isolate its matches.
    nlohmann::json removed = split(BpePreTokenizer::llama3Pattern());
    removed["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Removed";
    EXPECT_THROW(BpePreTokenizer::identify(removed, "t.json"), deepext::Error);
}

TEST(TokenizerMetadataBpe, UnknownPreTokenizer_IsRefusedNamingFilePatternAndTheKnownOnes)
{
    const TokenizerTestFolder folder("llama3-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    const std::string pattern = R"(\p{N}+|[a-z]+)";
    tokenizer["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = pattern;
    folder.writeJson("tokenizer.json", tokenizer);
    const std::string error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find(folder.file("tokenizer.json")), std::string::npos) << error;
    EXPECT_NE(error.find(pattern), std::string::npos) << error;
    for (const char* known : {"llama-bpe", "qwen2", "tekken", "gpt-2"}) {
        EXPECT_NE(error.find(known), std::string::npos) << known << " in " << error;
    }

    tokenizer["pre_tokenizer"] = {{"type", "Whitespace"}};
    folder.writeJson("tokenizer.json", tokenizer);
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find("Whitespace"), std::string::npos);
    tokenizer["pre_tokenizer"] = nullptr;
    folder.writeJson("tokenizer.json", tokenizer);
    EXPECT_NE(errorOf([&] { folder.read("llama"); }).find("no pre_tokenizer"), std::string::npos);
}

TEST(TokenizerMetadataBpe, DuplicateTokenText_IsRefusedNamingTheToken)
{
    const TokenizerTestFolder folder("llama3-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    // An added token whose text is already a vocabulary token under another id: llama.cpp aborts on it.
    std::string existing;
    for (const auto& [text, id] : tokenizer["model"]["vocab"].items()) {
        if (id == 300) {
            existing = text;
        }
    }
    ASSERT_FALSE(existing.empty());
    tokenizer["added_tokens"][4]["content"] = existing;
    folder.writeJson("tokenizer.json", tokenizer);
    const std::string error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find("\"" + existing + "\" twice (ids 300 and 799)"), std::string::npos) << error;
    EXPECT_NE(error.find(folder.file("tokenizer.json")), std::string::npos) << error;
}

TEST(TokenizerMetadataBpe, EmptyTokenText_BecomesLlamaCppsOwnSubstitute)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    const std::uint32_t id = idInTokenizerJson(tokenizer, "<tool_call>");
    tokenizer["added_tokens"][3]["content"] = "";
    folder.writeJson("tokenizer.json", tokenizer);
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(strings(metadata, "tokenizer.ggml.tokens")[id], "[EMPTY_" + std::to_string(id) + "]");
}

TEST(TokenizerMetadataBpe, LooksSpecialRule_AndSentencePieceSpacesInUserDefinedTokens)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    const std::uint32_t first = idInTokenizerJson(tokenizer, "<tool_call>");
    // Not marked special, but shaped like control tokens: convert makes them CONTROL.
    tokenizer["added_tokens"][3]["content"] = "<|fim_middle|>";
    tokenizer["added_tokens"][4]["content"] = "\xE2\x96\x81user\xE2\x96\x81name"; // "▁user▁name"
    folder.writeJson("tokenizer.json", tokenizer);
    const GgufMetadata metadata = folder.read("qwen2");
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    EXPECT_EQ(types[first], typeValue(TokenType::Control));
    EXPECT_EQ(tokens[first + 1], " user name");
    EXPECT_EQ(types[first + 1], typeValue(TokenType::UserDefined));

    for (const char* special : {"<pad>", "<mask>", "<2mass>", "[@BOS@]", "<unused42>", "<|x|>",
                                "<\xEF\xBD\x9C"
                                "begin\xEF\xBD\x9C>"}) {
        EXPECT_TRUE(deepext::gguf::doesTokenLookSpecial(special)) << special;
    }
    for (const char* plain : {"<tool_call>", "<s>", "<unused", "|>", "<|x"}) {
        EXPECT_FALSE(deepext::gguf::doesTokenLookSpecial(plain)) << plain;
    }
}

TEST(TokenizerMetadataBpe, TokenIdsPastTheEmbeddingRows_AreRefusedNamingBothNumbers)
{
    const TokenizerTestFolder folder("llama3-bpe");
    const std::string error = errorOf([&] { folder.read("llama", 700); });
    EXPECT_NE(error.find("799"), std::string::npos) << error;
    EXPECT_NE(error.find("700"), std::string::npos) << error;
    EXPECT_NE(error.find(folder.file("tokenizer.json")), std::string::npos) << error;
}

TEST(TokenizerMetadataBpe, BadFiles_AreRefusedNamingTheFile)
{
    const TokenizerTestFolder folder("llama3-bpe");
    folder.writeText("tokenizer.json", "{\"model\": {\"type\": \"BPE\", ");
    std::string error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find(folder.file("tokenizer.json")), std::string::npos) << error;
    EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
    EXPECT_NE(error.find("parse error"), std::string::npos) << error; // the parser's own message

    folder.writeText("tokenizer.json", "[1, 2]");
    error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find("not a JSON object"), std::string::npos) << error;

    folder.writeJson("tokenizer.json", {{"model", {{"type", "Unigram"}, {"vocab", nlohmann::json::array()}}}});
    error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find("Unigram"), std::string::npos) << error;

    nlohmann::json tokenizer = TokenizerTestFolder("llama3-bpe").json("tokenizer.json");
    tokenizer["model"]["vocab"]["Hello"] = -3;
    folder.writeJson("tokenizer.json", tokenizer);
    error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find("\"Hello\""), std::string::npos) << error;

    tokenizer = TokenizerTestFolder("llama3-bpe").json("tokenizer.json");
    tokenizer["model"]["merges"][3] = 42;
    folder.writeJson("tokenizer.json", tokenizer);
    error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find("merges"), std::string::npos) << error;

    folder.writeText("tokenizer_config.json", "{\"bos_token\": ");
    error = errorOf([&] { folder.read("llama"); });
    EXPECT_NE(error.find(folder.file("tokenizer_config.json")), std::string::npos) << error;
}

TEST(TokenizerMetadataBpe, MissingTokenizer_IsRefusedNamingWhatWasLookedForAndWhere)
{
    const TokenizerTestFolder folder("llama3-bpe");
    folder.remove("tokenizer.json");
    for (const char* architecture : {"llama", "qwen2", "qwen3"}) {
        const std::string error = errorOf([&] { folder.read(architecture); });
        EXPECT_NE(error.find("tokenizer.json"), std::string::npos) << error;
        EXPECT_NE(error.find("tokenizer.model"), std::string::npos) << error;
        EXPECT_NE(error.find(folder.path()), std::string::npos) << error;
    }
    const std::string error =
        errorOf([&] { deepext::gguf::readTokenizerMetadata(folder.file("nowhere"), {}, "llama", 10); });
    EXPECT_NE(error.find(folder.file("nowhere")), std::string::npos) << error;
}

TEST(TokenizerMetadataBpe, UnsupportedArchitecture_IsRefusedListingTheSupportedOnes)
{
    const TokenizerTestFolder folder("llama3-bpe");
    const std::string error = errorOf([&] { folder.read("falcon"); });
    EXPECT_NE(error.find("falcon"), std::string::npos);
    EXPECT_NE(error.find("llama, qwen2, qwen3, gemma2, phi3"), std::string::npos) << error;
}
