#include "CardTestUtil.h"
#include "deepext/card/AdapterFacts.h"
#include "deepext/card/BaseModelFacts.h"

#include <gtest/gtest.h>

#include <algorithm>

using cardtest::golden;
using cardtest::realworld;
using deepext::AdapterFacts;
using deepext::BaseModelFacts;

TEST(AdapterFactsTest, RsloraConfig)
{
    const AdapterFacts a =
        AdapterFacts::read(realworld("wangd12rpi__FinLoRA__finetuned_models__sentiment_llama_3_1_8b_8bits_r8_rslora"));
    EXPECT_TRUE(a.configFound);
    EXPECT_EQ(a.peftType, "LORA");
    EXPECT_EQ(a.taskType, "CAUSAL_LM");
    EXPECT_EQ(a.r, 8);
    EXPECT_EQ(a.loraAlpha, 16.0);
    EXPECT_EQ(a.useRslora, true);
    EXPECT_EQ(a.baseModelNameOrPath, "meta-llama/Llama-3.1-8B-Instruct");
    ASSERT_TRUE(a.targetModules);
    EXPECT_EQ(a.targetModules->size(), 3u);
    EXPECT_TRUE(a.notes.empty());
}

TEST(AdapterFactsTest, RegexTargetModules)
{
    const AdapterFacts a = AdapterFacts::read(realworld("guanyuch__colpali_gc"));
    EXPECT_FALSE(a.targetModules.has_value());
    ASSERT_TRUE(a.targetModulesPattern);
    EXPECT_EQ(a.targetModulesPattern->rfind("(.*(language_model)", 0), 0u);
    EXPECT_EQ(a.initLoraWeights, "gaussian");
    EXPECT_EQ(a.taskType, "FEATURE_EXTRACTION");
}

TEST(AdapterFactsTest, NonPeftConfigStatesTheGap)
{
    const AdapterFacts a = AdapterFacts::read(realworld("Aditii2112__Instaworkers"));
    EXPECT_TRUE(a.configFound);
    EXPECT_FALSE(a.peftType.has_value());
    EXPECT_FALSE(a.r.has_value()); // "rank" is not PEFT's "r": not guessed
    ASSERT_EQ(a.notes.size(), 1u);
    EXPECT_NE(a.notes[0].find("no peft_type"), std::string::npos);
}

TEST(AdapterFactsTest, GoldenAdapterWithWeights)
{
    const AdapterFacts a = AdapterFacts::read(golden("llama_bf16_dora") + "/adapter");
    EXPECT_EQ(a.useDora, true);
    EXPECT_EQ(a.weightFiles, std::vector<std::string>{"adapter_model.safetensors"});
    const AdapterFacts back = AdapterFacts::fromJson(a.toJson());
    EXPECT_EQ(back.toJson(), a.toJson());
}

TEST(AdapterFactsTest, MissingAndBrokenConfig)
{
    QTemporaryDir dir;
    const std::string d = dir.path().toStdString();
    AdapterFacts a = AdapterFacts::read(d);
    EXPECT_FALSE(a.configFound);
    ASSERT_EQ(a.notes.size(), 1u);
    EXPECT_NE(a.notes[0].find("not found"), std::string::npos);
    cardtest::writeText(d + "/adapter_config.json", "{\"r\": 8,,}");
    a = AdapterFacts::read(d);
    ASSERT_EQ(a.notes.size(), 1u);
    EXPECT_EQ(a.notes[0], "adapter_config.json: not valid JSON at line 1, column 9");
}

TEST(BaseModelFactsTest, GoldenLlamaBase)
{
    const std::string dir = golden("llama_bf16_qv") + "/base";
    const BaseModelFacts b = BaseModelFacts::read(dir);
    EXPECT_EQ(b.architectures, std::vector<std::string>{"LlamaForCausalLM"});
    EXPECT_EQ(b.modelType, "llama");
    EXPECT_EQ(b.hiddenSize, 64);
    EXPECT_EQ(b.layers, 2);
    EXPECT_EQ(b.attentionHeads, 4);
    EXPECT_EQ(b.keyValueHeads, 2);
    EXPECT_EQ(b.intermediateSize, 96);
    EXPECT_EQ(b.vocabSize, 128);
    EXPECT_EQ(b.contextLength, 512);
    EXPECT_EQ(b.configDtype, "bfloat16");
    EXPECT_EQ(b.weightsDtype, "BF16");
    EXPECT_EQ(b.parameterCount, cardtest::headerParameterSum(dir));
    EXPECT_EQ(b.shardCount, 1u);
    std::uint64_t disk = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        disk += e.file_size();
    }
    EXPECT_EQ(b.diskSize, disk);
    EXPECT_FALSE(b.license.has_value());
    EXPECT_TRUE(b.notes.empty()) << b.notes.front();
}

TEST(BaseModelFactsTest, ShardedBaseCountsEveryShard)
{
    const std::string dir = golden("llama_fp16_all_rslora_sharded") + "/base";
    const BaseModelFacts b = BaseModelFacts::read(dir);
    EXPECT_EQ(b.shardCount, 3u);
    EXPECT_EQ(b.weightsDtype, "F16");
    // Config says untied here, so both embedding and lm_head count.
    EXPECT_EQ(b.parameterCount, cardtest::headerParameterSum(dir));
}

TEST(BaseModelFactsTest, TiedLmHeadStoredTwiceCountedOnce)
{
    // A checkpoint that stores lm_head.weight although config.json ties it: built from the golden headers.
    deepext::ModelCheckpoint checkpoint;
    deepext::SafeTensorsHeader shard;
    deepext::TensorInfo embed{"model.embed_tokens.weight", deepext::Dtype::BF16, {128, 64}, 0, 128 * 64 * 2};
    deepext::TensorInfo head{"lm_head.weight", deepext::Dtype::BF16, {128, 64}, embed.end, embed.end * 2};
    deepext::TensorInfo norm{"model.norm.weight", deepext::Dtype::F32, {64}, head.end, head.end + 256};
    shard.tensors = {embed, head, norm};
    checkpoint.shards.push_back(shard);
    BaseModelFacts tied;
    tied.applyConfig({{"tie_word_embeddings", true}});
    tied.applyCheckpoint(checkpoint);
    EXPECT_EQ(tied.parameterCount, 128u * 64u + 64u);
    EXPECT_EQ(tied.tensorCount, 3u);
    BaseModelFacts untied;
    untied.applyConfig({{"tie_word_embeddings", false}});
    untied.applyCheckpoint(checkpoint);
    EXPECT_EQ(untied.parameterCount, 2u * 128u * 64u + 64u);
}

TEST(BaseModelFactsTest, GoldenTiedBaseWithoutLmHead)
{
    const std::string dir = golden("llama_bf16_tied_lm_head") + "/base";
    const BaseModelFacts b = BaseModelFacts::read(dir);
    EXPECT_EQ(b.tieWordEmbeddings, true);
    EXPECT_EQ(b.parameterCount, cardtest::headerParameterSum(dir));
}

TEST(BaseModelFactsTest, Gpt2Spellings)
{
    const BaseModelFacts b = BaseModelFacts::read(golden("gpt2_conv1d_fifo") + "/base");
    EXPECT_TRUE(b.hiddenSize.has_value());
    EXPECT_TRUE(b.layers.has_value());
    EXPECT_TRUE(b.attentionHeads.has_value());
    EXPECT_TRUE(b.contextLength.has_value());
    EXPECT_EQ(b.parameterCount, cardtest::headerParameterSum(golden("gpt2_conv1d_fifo") + "/base"));
}

TEST(BaseModelFactsTest, RealConfigsWithoutShardsStillGiveFacts)
{
    const BaseModelFacts qwen = BaseModelFacts::read(realworld("1235357__Backup_hf_sakura-14b-qwen2.5-v1.0-q6k"));
    EXPECT_EQ(qwen.architectures, std::vector<std::string>{"Qwen2ForCausalLM"});
    EXPECT_EQ(qwen.configDtype, "float16");
    EXPECT_FALSE(qwen.parameterCount.has_value()); // shards not present: unknown, not guessed
    EXPECT_TRUE(std::any_of(qwen.notes.begin(), qwen.notes.end(),
                            [](const std::string& n) { return n.rfind("weights: ", 0) == 0; }));

    const auto config =
        nlohmann::json::parse(cardtest::slurp(realworld("remodlai__qwen-2.5-vl-7b-instruct-lexiq") + "/config.json"));
    const BaseModelFacts vl = BaseModelFacts::read(realworld("remodlai__qwen-2.5-vl-7b-instruct-lexiq"));
    EXPECT_EQ(vl.hiddenSize, config["hidden_size"].get<std::int64_t>());
    EXPECT_EQ(vl.keyValueHeads, config["num_key_value_heads"].get<std::int64_t>());

    const BaseModelFacts gemma3 = BaseModelFacts::read(realworld("Ibtasam-98__medgemma-27b-it"));
    const auto gemmaConfig =
        nlohmann::json::parse(cardtest::slurp(realworld("Ibtasam-98__medgemma-27b-it") + "/config.json"));
    EXPECT_EQ(gemma3.hiddenSize, gemmaConfig["text_config"]["hidden_size"].get<std::int64_t>());
    EXPECT_EQ(gemma3.layers, gemmaConfig["text_config"]["num_hidden_layers"].get<std::int64_t>());
    EXPECT_EQ(gemma3.configDtype, gemmaConfig["torch_dtype"].get<std::string>());
}

TEST(BaseModelFactsTest, LicenseAndLanguageFromReadme)
{
    BaseModelFacts b;
    b.applyReadme("---\nlicense: apache-2.0\nlanguage:\n- en\n- fr\n---\n# Model\n");
    EXPECT_EQ(b.license, "apache-2.0");
    EXPECT_EQ(b.languages, (std::vector<std::string>{"en", "fr"}));
}
