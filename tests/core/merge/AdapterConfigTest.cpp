// adapter_config.json parsing: the golden adapters, every real-world config under tests/data/realworld/ (LoRA ones
// accepted, other PEFT methods refused by name, non-PEFT and malformed files refused with a clear error, never a
// crash), the PEFT >= 0.15 rank_pattern/alpha_pattern rule and the refused LoRA features.
#include "deepext/merge/AdapterConfig.h"

#include "MergeTestSupport.h"
#include "deepext/base/Error.h"

#include <gtest/gtest.h>

#include <cmath>

namespace deepext::test {
namespace {

std::string errorOf(const std::string& text)
{
    try {
        AdapterConfig::fromJson(text, "/adapters/x/adapter_config.json");
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

TEST(AdapterConfig, ParsesEveryGoldenAdapter)
{
    for (const std::string& name : goldenCases()) {
        const AdapterConfig config =
            AdapterConfig::fromFile((goldenDir() / name / "adapter" / "adapter_config.json").string());
        EXPECT_EQ(config.peftType, "LORA") << name;
        EXPECT_EQ(config.baseModelNameOrPath, "acme/" + name);
        EXPECT_GT(config.r, 0);
        EXPECT_FALSE(config.targetModules.empty()) << name;
    }
}

TEST(AdapterConfig, ReadsTheFieldsTheMergeNeeds)
{
    const AdapterConfig patterns =
        AdapterConfig::fromFile((goldenDir() / "llama_fp32_patterns" / "adapter" / "adapter_config.json").string());
    EXPECT_EQ(patterns.r, 8);
    EXPECT_EQ(patterns.loraAlpha, 16);
    ASSERT_EQ(patterns.rankPattern.size(), 2u);
    // File order is kept (here it happens to be sorted, as PEFT writes with sort_keys).
    EXPECT_EQ(patterns.rankPattern[0], (std::pair<std::string, int>("layers.1.mlp.down_proj", 2)));
    EXPECT_EQ(patterns.rankPattern[1], (std::pair<std::string, int>("q_proj", 4)));
    ASSERT_EQ(patterns.alphaPattern.size(), 2u);
    EXPECT_EQ(patterns.alphaPattern[0].first, "o_proj");
    EXPECT_EQ(patterns.alphaPattern[0].second, 3.5);

    const AdapterConfig rslora = AdapterConfig::fromFile(
        (goldenDir() / "llama_fp16_all_rslora_sharded" / "adapter" / "adapter_config.json").string());
    EXPECT_TRUE(rslora.useRslora);
    EXPECT_DOUBLE_EQ(rslora.scalingFor("model.layers.0.self_attn.q_proj", 16), 8.0 / 4.0);
    EXPECT_EQ(rslora.targetModules.size(), 7u);

    const AdapterConfig gpt2 =
        AdapterConfig::fromFile((goldenDir() / "gpt2_conv1d_fifo" / "adapter" / "adapter_config.json").string());
    EXPECT_TRUE(gpt2.fanInFanOut);
    const AdapterConfig dora =
        AdapterConfig::fromFile((goldenDir() / "llama_bf16_dora" / "adapter" / "adapter_config.json").string());
    EXPECT_TRUE(dora.useDora);
    const AdapterConfig bias =
        AdapterConfig::fromFile((goldenDir() / "qwen2_bf16_lora_bias" / "adapter" / "adapter_config.json").string());
    EXPECT_TRUE(bias.loraBias);
    const AdapterConfig tokens = AdapterConfig::fromFile(
        (goldenDir() / "llama_bf16_trainable_tokens" / "adapter" / "adapter_config.json").string());
    ASSERT_EQ(tokens.trainableTokenIndices.count(""), 1u);
    EXPECT_EQ(tokens.trainableTokenIndices.at(""), (std::vector<std::int64_t>{3, 17, 42}));
    const AdapterConfig mts = AdapterConfig::fromFile(
        (goldenDir() / "llama_bf16_resized_vocab" / "adapter" / "adapter_config.json").string());
    EXPECT_EQ(mts.modulesToSave, (std::vector<std::string>{"embed_tokens", "lm_head"}));
}

TEST(AdapterConfig, PatternKeysFollowPeft015)
{
    const AdapterConfig config = AdapterConfig::fromJson(R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16,
        "rank_pattern": {"q_proj": 4, "layers.1.mlp.down_proj": 2, "mlp.*": 3},
        "alpha_pattern": {"v_proj": 64, "o_proj": 3.5}})",
                                                         "mem");
    // Order in the JSON decides, not sorting: q_proj is first here.
    EXPECT_EQ(config.rankPattern.front().first, "q_proj");
    EXPECT_EQ(config.rankFor("model.layers.0.self_attn.q_proj"), 4);
    EXPECT_EQ(config.rankFor("model.layers.1.mlp.down_proj"), 2);
    // "layers.1..." must sit after a dot: layers.11 is not layers.1.
    EXPECT_EQ(config.rankFor("model.layers.11.mlp.down_proj"), 3);
    EXPECT_EQ(config.rankFor("model.layers.0.self_attn.k_proj"), 8);
    // A pattern must match at a component boundary: "proj" alone does not match "q_proj".
    EXPECT_FALSE(matchPatternKey({"proj"}, "model.layers.0.self_attn.q_proj").has_value());
    EXPECT_TRUE(matchPatternKey({"q_proj"}, "q_proj").has_value());
    EXPECT_EQ(config.alphaFor("model.layers.3.self_attn.o_proj"), 3.5);
    EXPECT_EQ(config.alphaFor("model.layers.3.self_attn.q_proj"), 16);
    EXPECT_DOUBLE_EQ(config.scalingFor("model.layers.0.self_attn.v_proj", 8), 8.0);
    EXPECT_THROW(matchPatternKey({"(unclosed"}, "a.b"), Error);
}

TEST(AdapterConfig, RefusesOtherPeftTypesByName)
{
    const std::map<std::string, std::string> expected = {
        {"IA3", "is an IA3 adapter; only LoRA adapters can be merged"},
        {"ADALORA", "is an AdaLoRA adapter"},
        {"PROMPT_TUNING", "is a prompt tuning adapter"},
        {"VERA", "is a VeRA adapter"},
        {"LOHA", "is a LoHa adapter"},
        {"LOKR", "is a LoKr adapter"},
        {"XLORA", "is an X-LoRA adapter"},
        {"PREFIX_TUNING", "is a prefix tuning adapter"},
        {"OFT", "is an OFT adapter"},
    };
    for (const auto& [type, message] : expected) {
        const std::string error = errorOf(R"({"peft_type": ")" + type + R"(", "r": 8})");
        EXPECT_NE(error.find(message), std::string::npos) << type << ": " << error;
        EXPECT_NE(error.find("/adapters/x/adapter_config.json"), std::string::npos) << error;
    }
    EXPECT_NE(errorOf(R"({"peft_type": "none"})").find("unknown peft_type \"none\""), std::string::npos);
    EXPECT_NE(errorOf(R"({"rank": 16, "alpha": 32.0})").find("no peft_type"), std::string::npos);
}

TEST(AdapterConfig, RefusesWhatCannotBeMerged)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {R"("layer_replication": [[0, 4], [2, 5]])", "layer_replication"},
        {R"("alora_invocation_tokens": [1, 2])", "aLoRA"},
        {R"("target_parameters": ["feed_forward.experts.gate_up_proj"])", "target_parameters"},
        {R"("use_qalora": true)", "QALoRA"},
        {R"("init_lora_weights": "pissa")", "pissa"},
        {R"("init_lora_weights": "pissa_niter_4")", "residual base"},
        {R"("init_lora_weights": "olora")", "olora"},
        {R"("init_lora_weights": "corda")", "corda"},
        {R"("use_dora": true, "lora_bias": true)", "lora_bias"},
        {R"("megatron_config": {"tp": 2})", "Megatron"},
    };
    for (const auto& [field, word] : cases) {
        const std::string error = errorOf(R"({"peft_type": "LORA", "r": 8, )" + field + "}");
        EXPECT_NE(error.find("cannot be merged"), std::string::npos) << field << ": " << error;
        EXPECT_NE(error.find(word), std::string::npos) << field << ": " << error;
    }
    // Null, false and empty values of those keys are the defaults and fine.
    EXPECT_EQ(errorOf(R"({"peft_type": "LORA", "layer_replication": null, "use_qalora": false,
                          "target_parameters": [], "alora_invocation_tokens": null, "init_lora_weights": "gaussian"})"),
              "");
    const AdapterConfig loftq =
        AdapterConfig::fromJson(R"({"peft_type": "LORA", "init_lora_weights": "loftq"})", "mem");
    EXPECT_EQ(loftq.warnings.size(), 1u);
}

TEST(AdapterConfig, MalformedFilesGiveAClearError)
{
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "not valid JSON"},
        {"{\"peft_type\": \"LORA\", \"r\": 8", "not valid JSON"},
        {"[1, 2]", "not a JSON object"},
        {"\"LORA\"", "not a JSON object"},
        {R"({"peft_type": 7})", "\"peft_type\" must be"},
        {R"({"peft_type": "LORA", "r": "eight"})", "\"r\" must be a positive integer"},
        {R"({"peft_type": "LORA", "r": 0})", "\"r\" must be a positive integer"},
        {R"({"peft_type": "LORA", "r": 8.5})", "\"r\" must be a positive integer"},
        {R"({"peft_type": "LORA", "lora_alpha": null})", "\"lora_alpha\" must be a number"},
        {R"({"peft_type": "LORA", "lora_alpha": "16"})", "\"lora_alpha\" must be a number"},
        {R"({"peft_type": "LORA", "use_dora": "yes"})", "\"use_dora\" must be true or false"},
        {R"({"peft_type": "LORA", "target_modules": 5})", "\"target_modules\" must be"},
        {R"({"peft_type": "LORA", "target_modules": ["q_proj", 3]})", "\"target_modules\" must be"},
        {R"({"peft_type": "LORA", "rank_pattern": {"q_proj": [true, false]}})", "rank_pattern.q_proj"},
        {R"({"peft_type": "LORA", "rank_pattern": []})", "\"rank_pattern\" must be"},
        {R"({"peft_type": "LORA", "alpha_pattern": {"q_proj": "x"}})", "alpha_pattern.q_proj"},
        {R"({"peft_type": "LORA", "bias": "some"})", "\"bias\" must be"},
        {R"({"peft_type": "LORA", "trainable_token_indices": [1, -2]})", "trainable_token_indices"},
        {R"({"peft_type": "LORA", "trainable_token_indices": "1,2"})", "trainable_token_indices"},
    };
    for (const auto& [text, words] : cases) {
        const std::string error = errorOf(text);
        EXPECT_NE(error.find(words), std::string::npos) << text << " -> " << error;
        EXPECT_NE(error.find("adapter_config.json at /adapters/x"), std::string::npos) << error;
    }
    EXPECT_THROW(AdapterConfig::fromFile("/nonexistent/adapter_config.json"), Error);
}

TEST(AdapterConfig, AcceptsTheOddButValidShapesOfRealConfigs)
{
    const AdapterConfig regex = AdapterConfig::fromJson(
        R"json({"peft_type": "LORA", "r": 16, "target_modules": "(?:.*?(?:language|text).*?(?:self_attn|mlp).*?(?:q_proj|v_proj).*?)",
            "layers_to_transform": null, "modules_to_save": ["classifier", "classifier", "score"],
            "trainable_token_indices": {"embed_tokens": [5, 6]}, "lora_alpha": 32.5})json",
        "mem");
    EXPECT_TRUE(regex.targetModulesIsRegex);
    EXPECT_EQ(regex.loraAlpha, 32.5);
    EXPECT_EQ(regex.modulesToSave, (std::vector<std::string>{"classifier", "score"}));
    EXPECT_EQ(regex.trainableTokenIndices.at("embed_tokens"), (std::vector<std::int64_t>{5, 6}));
    const AdapterConfig minimal = AdapterConfig::fromJson(R"({"peft_type": "LORA"})", "mem");
    EXPECT_EQ(minimal.r, 8);
    EXPECT_EQ(minimal.loraAlpha, 8);
    EXPECT_EQ(minimal.baseModelNameOrPath, "");
}

// Real configs from public repositories. Refused ones are named here with the words their error must contain;
// every other one must parse as LoRA.
TEST(AdapterConfig, RealWorldConfigs)
{
    const std::map<std::string, std::string> refused = {
        {"RishitToteja__llm-tuning", "is a prompt tuning adapter"},
        {"huggingface__peft__examples__conditional_generation__bigscience__mt0-large_IA3_SEQ_2_SEQ_LM",
         "is an IA3 adapter"},
        {"huggingface__peft__examples__conditional_generation__bigscience__mt0-large_PeftType.VERA_TaskType.SEQ_2_SEQ_"
         "LM",
         "is a VeRA adapter"},
        {"huggingface__peft__method_comparison__MetaMathQA__experiments__loha__llama-3.2-3B-rank32",
         "is a LoHa adapter"},
        {"huggingface__peft__tests__regression__adalora_opt-350m__0.6.1", "is an AdaLoRA adapter"},
        {"LrArctic__DPO-RMB-and-PS-AdaLoRA__MyProject__output__20__adapter", "is an AdaLoRA adapter"},
        {"NYUNeuroNinjas__AsymmetricAdaLora__official_submission__model_checkpoint", "is an AdaLoRA adapter"},
        {"RifqiCah__Adalora_indonesiaDataset__models__nerp_adalora_best", "is an AdaLoRA adapter"},
        {"Aditii2112__Instaworkers", "no peft_type"},
        {"kotlarmilos__gemma3-reasoning__adapter", "no peft_type"},
        {"Iqbalwasim01__BNF_LLM_predictor", "unknown peft_type \"none\""},
    };
    int accepted = 0;
    int refusedSeen = 0;
    for (const auto& entry : fs::recursive_directory_iterator(realworldDir())) {
        if (entry.path().filename() != "adapter_config.json") {
            continue;
        }
        const std::string folder = fs::relative(entry.path().parent_path(), realworldDir()).generic_string();
        SCOPED_TRACE(folder);
        const auto it = refused.find(folder);
        try {
            const AdapterConfig config = AdapterConfig::fromFile(entry.path().string());
            EXPECT_EQ(it, refused.end()) << "should have been refused";
            EXPECT_EQ(config.peftType, "LORA");
            EXPECT_GT(config.r, 0);
            EXPECT_TRUE(std::isfinite(config.loraAlpha));
            EXPECT_TRUE(!config.targetModules.empty() || config.targetModulesIsRegex);
            ++accepted;
        } catch (const Error& e) {
            ASSERT_NE(it, refused.end()) << "refused: " << e.message();
            EXPECT_NE(e.message().find(it->second), std::string::npos) << e.message();
            EXPECT_NE(e.message().find(entry.path().string()), std::string::npos) << e.message();
            ++refusedSeen;
        }
    }
    EXPECT_EQ(refusedSeen, static_cast<int>(refused.size()));
    EXPECT_GE(accepted, 50);
    std::cout << "[ realworld] " << accepted << " LoRA configs accepted, " << refusedSeen << " refused by name\n";
}

TEST(AdapterConfig, RealWorldSpecifics)
{
    const auto load = [](const std::string& folder) {
        return AdapterConfig::fromFile((realworldDir() / folder / "adapter_config.json").string());
    };
    EXPECT_TRUE(load("wangd12rpi__FinLoRA__finetuned_models__sentiment_llama_3_1_8b_8bits_r8_rslora").useRslora);
    EXPECT_EQ(load("ferrazzipietro__mistral_finetuning__Mistral-7B-Instruct-v0.2_prova").bias, "lora_only");
    EXPECT_TRUE(load("guanyuch__colpali_gc").targetModulesIsRegex);
    EXPECT_EQ(load("guanyuch__colpali_gc").initLoraWeights, "gaussian");
    EXPECT_EQ(load("TING-lct__house_layout_qwenvl__lora_model__at_5ad9e58").targetModules.size(), 196u);
    EXPECT_EQ(load("AdityaGupta832342__Tiny-Llama-Finetuned-for-text-summarization__lora_model").modulesToSave,
              (std::vector<std::string>{"lm_head", "embed_tokens"}));
    EXPECT_TRUE(load("Mar-IA-no__deamoncraft-gemma4-andy__adapter").excludeModulesIsRegex);
    EXPECT_EQ(load("rkarnwal__udacity__peft_model").taskType, "SEQUENCE_CLASSIFICATION");
    EXPECT_EQ(load("rkarnwal__udacity__peft_config").baseModelNameOrPath, "");
    EXPECT_EQ(load("ABISHEAK-std__TinyLlama-structured-output-finetuned-using-Lora").baseModelNameOrPath,
              "TinyLlama/TinyLlama-1.1B-Chat-v1.0");
}

} // namespace
} // namespace deepext::test
