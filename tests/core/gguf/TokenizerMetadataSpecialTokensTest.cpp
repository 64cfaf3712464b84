// Special token ids, add-token flags and chat templates as gguf-py's SpecialVocab derives them, on the fixtures
// and on real-world tokenizer_config.json files (tests/data/realworld).
#include "TokenType.h"
#include "TokenizerTestFolder.h"

#include <gtest/gtest.h>

using namespace tokenizer_test;
using deepext::gguf::TokenType;

namespace {

std::int32_t typeValue(TokenType type)
{
    return static_cast<std::int32_t>(type);
}

// A TemplateProcessing piece.
nlohmann::json special(const std::string& id, int typeId = 0)
{
    return {{"SpecialToken", {{"id", id}, {"type_id", typeId}}}};
}

nlohmann::json sequence(const std::string& id, int typeId = 0)
{
    return {{"Sequence", {{"id", id}, {"type_id", typeId}}}};
}

} // namespace

TEST(TokenizerMetadataSpecialTokens, RealLlama31TokenizerConfig_IdsByContent_TemplateVerbatim)
{
    // Llama 3.1's tokenizer_config.json (bos <|begin_of_text|>, eos <|eot_id|>, pad <|end_of_text|>) over the
    // fixture's tokenizer.json: the ids are looked up by content in its added_tokens.
    const std::string source =
        realworldPath("wangd12rpi__FinLoRA__finetuned_models__sentiment_llama_3_1_8b_8bits_r8_rslora");
    const TokenizerTestFolder folder("llama3-bpe");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const GgufMetadata metadata = folder.read("llama");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), idInTokenizerJson(tokenizer, "<|begin_of_text|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|eot_id|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), idInTokenizerJson(tokenizer, "<|end_of_text|>"));
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"),
              readJson(source + "/tokenizer_config.json")["chat_template"].get<std::string>());
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
}

TEST(TokenizerMetadataSpecialTokens, RealQwen3TokenizerConfig_TemplateFromChatTemplateJinja_AddBosFalse)
{
    // A Qwen3 fine-tune saved by a recent transformers: no chat_template key, a chat_template.jinja beside it,
    // add_bos_token false, bos_token null.
    const std::string source = realworldPath("NotLoadedExe__Qwen3-Writter-Model");
    const TokenizerTestFolder folder("qwen2-bpe");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    folder.copyIn(source + "/chat_template.jinja", "chat_template.jinja");
    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const GgufMetadata metadata = folder.read("qwen3");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"), readText(source + "/chat_template.jinja"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|im_end|>"));
    // bos_token is null: config.json's bos_token_id.
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), folder.config()["bos_token_id"].get<std::uint32_t>());
    // pad_token <|vision_pad|> is not in this tokenizer.json: no pad id.
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.padding_token_id"));
}

TEST(TokenizerMetadataSpecialTokens, RealGemma2TokenizerConfig_AddedTokensDecoderOverTheModel)
{
    // Gemma 2 9B-it's tokenizer_config.json over the fixture's tokenizer.model, with Gemma's 256000 embedding rows:
    // the 217 added_tokens_decoder entries replace the pieces at their ids.
    const std::string source = realworldPath("doggy8088__GemmaTokenizerExtractor__gemma-2-9b-it");
    const TokenizerTestFolder folder("gemma-spm");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    const nlohmann::json decoder = readJson(source + "/tokenizer_config.json")["added_tokens_decoder"];
    const GgufMetadata metadata = folder.read("gemma2", 256000);
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    const auto values = scores(metadata);
    ASSERT_EQ(tokens.size(), 256000u);
    for (const auto& [key, entry] : decoder.items()) {
        const std::size_t id = std::stoul(key);
        const std::string content = entry["content"].get<std::string>();
        EXPECT_EQ(values[id], -1000.0f) << content;
        if (entry["special"].get<bool>() || deepext::gguf::doesTokenLookSpecial(content)) {
            EXPECT_EQ(tokens[id], content);
            EXPECT_EQ(types[id], typeValue(TokenType::Control)) << content;
        } else {
            EXPECT_EQ(tokens[id], deepext::gguf::replaceSentencePieceSpaces(content));
            EXPECT_EQ(types[id], typeValue(TokenType::UserDefined)) << content;
        }
    }
    EXPECT_EQ(tokens[106], "<start_of_turn>");
    EXPECT_EQ(types[106], typeValue(TokenType::Control));
    EXPECT_EQ(types[4], typeValue(TokenType::Control)); // <mask>: not special, looks special
    EXPECT_EQ(tokens[255999], "[PAD255999]");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 2u);
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_space_prefix"));
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"),
              readJson(source + "/tokenizer_config.json")["chat_template"].get<std::string>());
}

TEST(TokenizerMetadataSpecialTokens, RealPhi3TokenizerConfig_Phi3Rules)
{
    // Phi-3-mini's tokenizer_config.json (</s> not special, pad <|placeholder6|>, add_bos_token false) with
    // Phi-3's 32064 embedding rows; there is no tokenizer.json, so the ids come from config.json.
    const std::string source =
        realworldPath("Bharath-vs-07__Faulty-meter-detection-using-Microsoft-phi3-mini-with-LoRA__lora_model");
    const TokenizerTestFolder folder;
    folder.copyIn(fixturePath("llama-spm") + "/tokenizer.model", "tokenizer.model");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    const nlohmann::json config = {{"bos_token_id", 1}, {"eos_token_id", 32000}, {"pad_token_id", 32000}};
    const GgufMetadata metadata = deepext::gguf::readTokenizerMetadata(folder.path(), config, "phi3", 32064);
    const auto tokens = strings(metadata, "tokenizer.ggml.tokens");
    const auto types = tokenTypes(metadata);
    EXPECT_EQ(types[2], typeValue(TokenType::UserDefined)); // </s>
    EXPECT_EQ(tokens[32000], "<|endoftext|>");
    EXPECT_EQ(tokens[32007], "<|end|>");
    EXPECT_EQ(types[32007], typeValue(TokenType::Control));
    EXPECT_EQ(tokens[32063], "[PAD32063]");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 32000u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), 32000u);
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
}

TEST(TokenizerMetadataSpecialTokens, RealTinyLlamaTokenizerConfig_PadIsUnk)
{
    const std::string source =
        realworldPath("AdityaGupta832342__Tiny-Llama-Finetuned-for-text-summarization__lora_model");
    const TokenizerTestFolder folder("llama-spm");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    const GgufMetadata metadata = folder.read("llama");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.unknown_token_id"), 0u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), 0u);
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
    EXPECT_FALSE(metadata.contains("tokenizer.chat_template")); // this one has none
}

TEST(TokenizerMetadataSpecialTokens, RealOldTokenizerConfig_AddedTokenObjects_ComparedByContent)
{
    // An older tokenizer_config.json: special tokens as {"__type": "AddedToken", "content": ...} objects and no
    // add_bos_token. The ids are found by content; the post-processor's leading <s> is the bos token, so add_bos.
    const std::string source = realworldPath("Iqbalwasim01__BNF_LLM_predictor");
    ASSERT_TRUE(readJson(source + "/tokenizer_config.json")["bos_token"].is_object());
    const TokenizerTestFolder folder("llama-spm");
    folder.copyIn(source + "/tokenizer_config.json", "tokenizer_config.json");
    nlohmann::json config = folder.config();
    config.erase("bos_token_id");
    config.erase("eos_token_id");
    folder.writeJson("config.json", config);
    const GgufMetadata metadata = folder.read("llama");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), 1u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), 2u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.unknown_token_id"), 0u);
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.add_eos_token"));
}

TEST(TokenizerMetadataSpecialTokens, ConfigJsonIds_OnlyIntegersWhenUnset_GenerationConfigNeverRead)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json config = folder.config();
    config["pad_token_id"] = 3;       // already set from tokenizer_config.json's pad_token: ignored
    config["unk_token_id"] = 5;       // unset: taken
    config["mask_token_id"] = {6, 7}; // a list: skipped
    config["sep_token_id"] = 100000;  // past the vocabulary: dropped
    config["cls_token_id"] = 9;       // no writer for cls in gguf-py: never written
    config["eos_token_id"] = "12";    // not an integer: skipped (eos came from tokenizer_config.json anyway)
    folder.writeJson("config.json", config);
    folder.writeJson("generation_config.json", {{"bos_token_id", 1}, {"eos_token_id", 2}, {"pad_token_id", 4}});
    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), config["bos_token_id"].get<std::uint32_t>());
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.padding_token_id"), idInTokenizerJson(tokenizer, "<|endoftext|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.unknown_token_id"), 5u);
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|im_end|>"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.mask_token_id"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.seperator_token_id"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.cls_token_id"));

    // Multimodal configs keep the ids in text_config.
    config = {{"vocab_size", 896}, {"text_config", {{"bos_token_id", 11}}}};
    folder.writeJson("config.json", config);
    EXPECT_EQ(uint32Of(folder.read("qwen2"), "tokenizer.ggml.bos_token_id"), 11u);

    config = {{"vocab_size", 896}, {"bos_token_id", -1}};
    folder.writeJson("config.json", config);
    const std::string error = errorOf([&] { folder.read("qwen2"); });
    EXPECT_NE(error.find("config.json"), std::string::npos) << error;
    EXPECT_NE(error.find("-1"), std::string::npos) << error;
}

TEST(TokenizerMetadataSpecialTokens, SeparatorKeySpelledAsLlamaCppSpellsIt)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["sep_token"] = "<|im_start|>";
    config["mask_token"] = {{"content", "<tool_call>"}, {"lstrip", false}};
    folder.writeJson("tokenizer_config.json", config);
    const nlohmann::json tokenizer = folder.json("tokenizer.json");
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.seperator_token_id"), idInTokenizerJson(tokenizer, "<|im_start|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.mask_token_id"), idInTokenizerJson(tokenizer, "<tool_call>"));
}

TEST(TokenizerMetadataSpecialTokens, TemplateEndingWithAnotherToken_MakesItEos_OldEosBecomesEot)
{
    // As Qwen3-Embedding: the single template appends <|endoftext|>, tokenizer_config.json says eos <|im_end|>.
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    tokenizer["post_processor"] = {{"type", "TemplateProcessing"},
                                   {"single", {sequence("A"), special("<|endoftext|>")}},
                                   {"pair", {sequence("A"), sequence("B", 1), special("<|endoftext|>", 1)}}};
    folder.writeJson("tokenizer.json", tokenizer);
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eos_token_id"), idInTokenizerJson(tokenizer, "<|endoftext|>"));
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.eot_token_id"), idInTokenizerJson(tokenizer, "<|im_end|>"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.add_bos_token")); // the template starts with a sequence
}

TEST(TokenizerMetadataSpecialTokens, PairTemplateWithSeparator_SetsAddSep_RobertaProcessingAddsAll)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    // [bos] A [eos] [eos] B: a separator between the sequences.
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["bos_token"] = "<|im_start|>";
    folder.writeJson("tokenizer_config.json", config);
    tokenizer["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single", {special("<|im_start|>"), sequence("A")}},
        {"pair",
         {special("<|im_start|>"), sequence("A"), special("<|im_end|>"), special("<|im_end|>"), sequence("B", 1)}}};
    folder.writeJson("tokenizer.json", tokenizer);
    GgufMetadata metadata = folder.read("qwen2");
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_sep_token"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.add_eos_token"));

    tokenizer["post_processor"] = {{"type", "RobertaProcessing"}, {"sep", {"</s>", 2}}, {"cls", {"<s>", 0}}};
    folder.writeJson("tokenizer.json", tokenizer);
    metadata = folder.read("qwen2");
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.add_sep_token"));

    // tokenizer_config.json booleans have the last word.
    config["add_bos_token"] = false;
    config["add_eos_token"] = false;
    folder.writeJson("tokenizer_config.json", config);
    metadata = folder.read("qwen2");
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(boolOf(metadata, "tokenizer.ggml.add_eos_token"));
}

TEST(TokenizerMetadataSpecialTokens, MissingBosTakesClsToken_LowercaseNormalizer)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["cls_token"] = "<|im_start|>";
    folder.writeJson("tokenizer_config.json", config);
    nlohmann::json tokenizer = folder.json("tokenizer.json");
    tokenizer["normalizer"] = {{"type", "Sequence"}, {"normalizers", {{{"type", "NFC"}}, {{"type", "Lowercase"}}}}};
    folder.writeJson("tokenizer.json", tokenizer);
    nlohmann::json modelConfig = folder.config();
    modelConfig.erase("bos_token_id");
    folder.writeJson("config.json", modelConfig);
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(uint32Of(metadata, "tokenizer.ggml.bos_token_id"), idInTokenizerJson(tokenizer, "<|im_start|>"));
    EXPECT_TRUE(boolOf(metadata, "tokenizer.ggml.normalizer.lowercase"));
}

TEST(TokenizerMetadataSpecialTokens, ChatTemplateSources_InConvertsOrder)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json config = folder.json("tokenizer_config.json");
    const std::string inConfig = config["chat_template"].get<std::string>();
    folder.writeText("chat_template.jinja", "{{ 'from the jinja file' }}\r\n{{ 'second line' }}\n");
    folder.writeJson("chat_template.json", {{"chat_template", "{{ 'from chat_template.json' }}"}});

    // 1. tokenizer_config.json wins over the files beside it.
    EXPECT_EQ(stringOf(folder.read("qwen2"), "tokenizer.chat_template"), inConfig);

    // 2. Without the key: chat_template.jinja, read as Python reads text (\r\n becomes \n).
    config.erase("chat_template");
    folder.writeJson("tokenizer_config.json", config);
    EXPECT_EQ(stringOf(folder.read("qwen2"), "tokenizer.chat_template"),
              "{{ 'from the jinja file' }}\n{{ 'second line' }}\n");

    // 3. With additional_chat_templates/*.jinja: the jinja is the default, the others named.
    folder.writeText("additional_chat_templates/tool_use.jinja", "{{ 'tools' }}");
    folder.writeText("additional_chat_templates/rag.jinja", "{{ 'rag' }}");
    GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"), "{{ 'from the jinja file' }}\n{{ 'second line' }}\n");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template.tool_use"), "{{ 'tools' }}");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template.rag"), "{{ 'rag' }}");
    EXPECT_EQ(strings(metadata, "tokenizer.chat_templates"), (std::vector<std::string>{"rag", "tool_use"}));

    // 4. Then chat_template.json.
    folder.remove("chat_template.jinja");
    EXPECT_EQ(stringOf(folder.read("qwen2"), "tokenizer.chat_template"), "{{ 'from chat_template.json' }}");

    // 5. Nothing at all.
    folder.remove("chat_template.json");
    metadata = folder.read("qwen2");
    EXPECT_FALSE(metadata.contains("tokenizer.chat_template"));
    EXPECT_FALSE(metadata.contains("tokenizer.chat_templates"));

    // A chat_template key set to null means no template, whatever is beside it.
    config["chat_template"] = nullptr;
    folder.writeJson("tokenizer_config.json", config);
    folder.writeText("chat_template.jinja", "{{ 'unused' }}");
    EXPECT_FALSE(folder.read("qwen2").contains("tokenizer.chat_template"));

    // Like SpecialVocab, no tokenizer_config.json means no template (and no ids from it).
    folder.remove("tokenizer_config.json");
    metadata = folder.read("qwen2");
    EXPECT_FALSE(metadata.contains("tokenizer.chat_template"));
    EXPECT_FALSE(metadata.contains("tokenizer.ggml.padding_token_id"));
}

TEST(TokenizerMetadataSpecialTokens, ChatTemplateList_DefaultNamedAndSanitisedNames)
{
    const TokenizerTestFolder folder("qwen2-bpe");
    nlohmann::json config = folder.json("tokenizer_config.json");
    config["chat_template"] = nlohmann::json::array({
        {{"name", "default"}, {"template", "{{ 'default' }}"}},
        {{"name", "tool use"}, {"template", "{{ 'tools' }}"}},
        {{"name", "r\xC3\xA9sum\xC3\xA9"}, {"template", "{{ 'cv' }}"}},
        {{"name", ""}, {"template", "{{ 'nameless: skipped' }}"}},
        {{"name", "broken"}},
    });
    folder.writeJson("tokenizer_config.json", config);
    const GgufMetadata metadata = folder.read("qwen2");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template"), "{{ 'default' }}");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template.tool_use"), "{{ 'tools' }}");
    EXPECT_EQ(stringOf(metadata, "tokenizer.chat_template.r_sum_"), "{{ 'cv' }}");
    EXPECT_EQ(strings(metadata, "tokenizer.chat_templates"), (std::vector<std::string>{"tool_use", "r_sum_"}));
    EXPECT_FALSE(metadata.contains("tokenizer.chat_template.broken"));
}

TEST(TokenizerMetadataSpecialTokens, RealJinjaTemplates_AreKeptVerbatim)
{
    for (const char* source :
         {"Dev-debasish-09__Nlp_Body_washdata", "hazemzidan4545__medical-qa-fine-tuning-phi-3-5-mini__lora_adapter",
          "varun00391__local-finetuned-model__gemma-3-270m__gemma_lora_finetuned__checkpoint-171"}) {
        const TokenizerTestFolder folder("qwen2-bpe");
        nlohmann::json config = folder.json("tokenizer_config.json");
        config.erase("chat_template");
        folder.writeJson("tokenizer_config.json", config);
        folder.copyIn(realworldPath(source) + "/chat_template.jinja", "chat_template.jinja");
        const std::string text = readText(realworldPath(source) + "/chat_template.jinja");
        ASSERT_EQ(text.find('\r'), std::string::npos) << source;
        EXPECT_EQ(stringOf(folder.read("qwen2"), "tokenizer.chat_template"), text) << source;
    }
}

TEST(TokenizerMetadataSpecialTokens, LlamaPerModelRules_CodeLlamaEot_GraniteNoBos)
{
    const TokenizerTestFolder folder("llama-spm");
    nlohmann::json config = folder.config();
    config["vocab_size"] = 32016;
    folder.writeJson("config.json", config);
    EXPECT_EQ(uint32Of(folder.read("llama"), "tokenizer.ggml.eot_token_id"), 32010u);

    config["vocab_size"] = 49152;
    folder.writeJson("config.json", config);
    const GgufMetadata granite = folder.read("llama");
    EXPECT_FALSE(boolOf(granite, "tokenizer.ggml.add_bos_token"));
    EXPECT_FALSE(granite.contains("tokenizer.ggml.eot_token_id"));
    // Only for llama.
    EXPECT_TRUE(boolOf(folder.read("qwen2", 1000), "tokenizer.ggml.add_bos_token"));
}
