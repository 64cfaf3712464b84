// AdapterPlan: the mapping of adapter keys onto base tensors, and every adapter/base mismatch found up front and
// listed in one error (missing A or B, unknown module, shape and rank conflicts, an adapter for another base).
#include "deepext/merge/AdapterPlan.h"

#include "MergeTestSupport.h"
#include "deepext/base/Error.h"

#include <gtest/gtest.h>

namespace deepext::test {
namespace {

const std::string kPrefix = "base_model.model.";

BaseConfigFacts factsOf(const fs::path& baseDir)
{
    const nlohmann::json config = readJson(baseDir / "config.json");
    BaseConfigFacts facts;
    if (config.contains("tie_word_embeddings")) {
        facts.tieWordEmbeddings = config["tie_word_embeddings"].get<bool>();
    }
    facts.vocabSize = config["vocab_size"].get<std::int64_t>();
    facts.modelType = config["model_type"].get<std::string>();
    return facts;
}

AdapterPlan planGolden(const std::string& name)
{
    const fs::path dir = goldenDir() / name;
    const AdapterConfig config = AdapterConfig::fromFile((dir / "adapter" / "adapter_config.json").string());
    return AdapterPlan::build(config, ModelCheckpoint::scan((dir / "base").string()),
                              readSafeTensorsHeader((dir / "adapter" / "adapter_model.safetensors").string()),
                              factsOf(dir / "base"));
}

// Plans an edited copy of a golden adapter against a golden base; returns the error (empty when it plans).
struct PlanOutcome
{
    std::string message;
    std::string details;
};
PlanOutcome planEdited(const std::string& adapterCase, const std::string& baseCase,
                       const std::function<void(std::map<std::string, Tensor>&)>& edit,
                       const std::string& configText = {})
{
    TempDir temp;
    auto tensors = readTensors(goldenDir() / adapterCase / "adapter" / "adapter_model.safetensors");
    edit(tensors);
    const fs::path file = temp.path() / "adapter_model.safetensors";
    writeTensors(file, tensors);
    const AdapterConfig config =
        configText.empty()
            ? AdapterConfig::fromFile((goldenDir() / adapterCase / "adapter" / "adapter_config.json").string())
            : AdapterConfig::fromJson(configText, "mem");
    try {
        AdapterPlan::build(config, ModelCheckpoint::scan((goldenDir() / baseCase / "base").string()),
                           readSafeTensorsHeader(file.string()), factsOf(goldenDir() / baseCase / "base"));
    } catch (const Error& e) {
        return {e.message(), e.details()};
    }
    return {};
}

TEST(AdapterPlan, LinearLoraOnQAndV)
{
    const AdapterPlan plan = planGolden("llama_bf16_qv");
    EXPECT_EQ(plan.mergedCount(), 4);
    EXPECT_EQ(plan.replacedCount(), 0);
    EXPECT_EQ(plan.copiedCount(), 17);
    const TensorPlan& q = plan.tensors.at("model.layers.0.self_attn.q_proj.weight");
    ASSERT_TRUE(q.delta.has_value());
    EXPECT_EQ(q.delta->layout, DeltaLayout::Linear);
    EXPECT_EQ(q.delta->module, "model.layers.0.self_attn.q_proj");
    EXPECT_EQ(q.delta->rank, 8);
    EXPECT_DOUBLE_EQ(q.delta->scaling, 2.0);
    ASSERT_EQ(plan.scalings.size(), 4u);
    EXPECT_EQ(plan.scalings[0].module, "model.layers.0.self_attn.q_proj");
    EXPECT_FALSE(plan.newVocabSize.has_value());
}

TEST(AdapterPlan, RankAndAlphaPatterns)
{
    const AdapterPlan plan = planGolden("llama_fp32_patterns");
    std::map<std::string, ModuleScaling> byModule;
    for (const ModuleScaling& s : plan.scalings) {
        byModule[s.module] = s;
    }
    EXPECT_EQ(byModule.at("model.layers.0.self_attn.q_proj").rank, 4);
    EXPECT_DOUBLE_EQ(byModule.at("model.layers.0.self_attn.q_proj").scaling, 4.0);
    EXPECT_EQ(byModule.at("model.layers.1.mlp.down_proj").rank, 2);
    EXPECT_EQ(byModule.at("model.layers.0.mlp.down_proj").rank, 8);
    EXPECT_DOUBLE_EQ(byModule.at("model.layers.0.self_attn.o_proj").scaling, 3.5 / 8);
    EXPECT_DOUBLE_EQ(byModule.at("model.layers.1.self_attn.v_proj").scaling, 8.0);
}

TEST(AdapterPlan, LayoutsAndSpecialKeys)
{
    EXPECT_EQ(planGolden("gpt2_conv1d_fifo").tensors.at("transformer.h.0.attn.c_proj.weight").delta->layout,
              DeltaLayout::Conv1D);
    EXPECT_EQ(planGolden("llama_bf16_embedding").tensors.at("model.embed_tokens.weight").delta->layout,
              DeltaLayout::Embedding);
    const AdapterPlan dora = planGolden("llama_bf16_dora");
    EXPECT_TRUE(dora.tensors.at("model.layers.0.mlp.down_proj.weight").delta->magnitude.has_value());
    EXPECT_TRUE(dora.scalings.front().dora);

    const AdapterPlan tied = planGolden("llama_bf16_tied_lm_head");
    const TensorPlan& embedding = tied.tensors.at("model.embed_tokens.weight");
    ASSERT_TRUE(embedding.delta.has_value());
    EXPECT_EQ(embedding.delta->module, "lm_head");
    EXPECT_EQ(embedding.delta->layout, DeltaLayout::Linear);
    EXPECT_FALSE(tied.warnings.empty());

    const AdapterPlan resized = planGolden("llama_bf16_resized_vocab");
    ASSERT_TRUE(resized.newVocabSize.has_value());
    EXPECT_EQ(*resized.newVocabSize, 136);
    EXPECT_EQ(resized.tensors.at("lm_head.weight").shape, (std::vector<std::int64_t>{136, 64}));
    EXPECT_EQ(resized.replacedCount(), 2);

    const AdapterPlan tokens = planGolden("llama_bf16_trainable_tokens");
    EXPECT_EQ(tokens.tensors.at("model.embed_tokens.weight").tokenIndices, (std::vector<std::int64_t>{3, 17, 42}));

    const AdapterPlan bias = planGolden("qwen2_bf16_lora_bias");
    ASSERT_TRUE(bias.tensors.at("model.layers.0.self_attn.q_proj.bias").loraBias.has_value());
    EXPECT_EQ(bias.mergedCount(), 8);

    const AdapterPlan mts = planGolden("llama_bf16_mts_lm_head");
    EXPECT_TRUE(mts.tensors.at("lm_head.weight").replacement.has_value());
    EXPECT_FALSE(mts.untieEmbeddings);
}

TEST(AdapterPlan, ModulesToSaveOnTiedModelAddsAnUntiedHead)
{
    const PlanOutcome outcome = planEdited("llama_bf16_mts_lm_head", "llama_bf16_tied_lm_head", [](auto&) {});
    EXPECT_EQ(outcome.message, "");
    const fs::path dir = goldenDir() / "llama_bf16_tied_lm_head";
    const AdapterConfig config =
        AdapterConfig::fromFile((goldenDir() / "llama_bf16_mts_lm_head" / "adapter" / "adapter_config.json").string());
    const AdapterPlan plan = AdapterPlan::build(
        config, ModelCheckpoint::scan((dir / "base").string()),
        readSafeTensorsHeader(
            (goldenDir() / "llama_bf16_mts_lm_head" / "adapter" / "adapter_model.safetensors").string()),
        factsOf(dir / "base"));
    EXPECT_TRUE(plan.untieEmbeddings);
    ASSERT_EQ(plan.tensors.count("lm_head.weight"), 1u);
    EXPECT_TRUE(plan.tensors.at("lm_head.weight").baseName.empty());
}

TEST(AdapterPlan, MissingLoraB)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        tensors.erase(kPrefix + "model.layers.1.self_attn.v_proj.lora_B.weight");
    });
    EXPECT_NE(outcome.message.find("model.layers.1.self_attn.v_proj has lora_A but no lora_B"), std::string::npos)
        << outcome.message;
    EXPECT_NE(outcome.message.find("1 problem"), std::string::npos) << outcome.message;
}

TEST(AdapterPlan, MissingLoraA)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        tensors.erase(kPrefix + "model.layers.0.self_attn.q_proj.lora_A.weight");
    });
    EXPECT_NE(outcome.message.find("has lora_B but no lora_A"), std::string::npos) << outcome.message;
}

TEST(AdapterPlan, UnknownModule)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        tensors[kPrefix + "model.layers.7.self_attn.q_proj.lora_A.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_A.weight");
        tensors[kPrefix + "model.layers.7.self_attn.q_proj.lora_B.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_B.weight");
    });
    EXPECT_NE(outcome.message.find("model.layers.7.self_attn.q_proj has a LoRA but the base model has no tensor"),
              std::string::npos)
        << outcome.message;
}

TEST(AdapterPlan, ShapeConflict)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        // v_proj's B is [32, 8]; give it q_proj's [64, 8].
        tensors[kPrefix + "model.layers.0.self_attn.v_proj.lora_B.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_B.weight");
    });
    EXPECT_NE(outcome.message.find("do not fit base tensor model.layers.0.self_attn.v_proj.weight [32, 64]"),
              std::string::npos)
        << outcome.message;
}

TEST(AdapterPlan, RankConflictWithConfig)
{
    const PlanOutcome outcome = planEdited(
        "llama_bf16_qv", "llama_bf16_qv", [](auto&) {},
        R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "rank_pattern": {"v_proj": 4}})");
    EXPECT_NE(outcome.message.find("adapter_config.json gives rank 4"), std::string::npos) << outcome.message;
}

TEST(AdapterPlan, EveryProblemIsListed)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        tensors.erase(kPrefix + "model.layers.1.self_attn.v_proj.lora_B.weight");
        tensors.erase(kPrefix + "model.layers.1.self_attn.q_proj.lora_A.weight");
        tensors[kPrefix + "model.layers.0.self_attn.v_proj.lora_B.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_B.weight");
        tensors[kPrefix + "model.layers.9.mlp.up_proj.lora_A.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_A.weight");
        tensors[kPrefix + "model.layers.9.mlp.up_proj.lora_B.weight"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_B.weight");
        tensors[kPrefix + "score.weight"] = tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_B.weight");
        tensors[kPrefix + "model.layers.0.self_attn.q_proj.lora_E"] =
            tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_A.weight");
    });
    EXPECT_NE(outcome.message.find("6 problems"), std::string::npos) << outcome.message;
    for (const char* words : {"v_proj has lora_A but no lora_B", "q_proj has lora_B but no lora_A",
                              "v_proj.weight [32, 64]", "model.layers.9.mlp.up_proj has a LoRA",
                              "replaces score.weight, which the base model does not have", "lora_E"}) {
        EXPECT_NE(outcome.details.find(words), std::string::npos) << words << "\n" << outcome.details;
    }
}

TEST(AdapterPlan, AdapterForADifferentBase)
{
    const PlanOutcome outcome = planEdited("gpt2_conv1d_fifo", "llama_bf16_qv", [](auto&) {});
    EXPECT_NE(outcome.message.find("does not fit the base model"), std::string::npos) << outcome.message;
    EXPECT_NE(outcome.message.find("8 problems"), std::string::npos) << outcome.message;
    EXPECT_NE(outcome.details.find("transformer.h.0.attn.c_attn has a LoRA but the base model has no tensor"),
              std::string::npos);
    // Same architecture, other sizes: shape conflicts.
    const PlanOutcome wider = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        for (auto& [name, tensor] : tensors) {
            if (name.find("lora_A") != std::string::npos) {
                tensor = fromFloats(tensor.dtype, {8, 80}, std::vector<float>(8 * 80, 0.5f));
            }
        }
    });
    EXPECT_NE(wider.message.find("4 problems"), std::string::npos) << wider.message;
}

TEST(AdapterPlan, DoraMismatches)
{
    const PlanOutcome noMagnitude = planEdited("llama_bf16_dora", "llama_bf16_dora", [](auto& tensors) {
        tensors.erase(kPrefix + "model.layers.0.mlp.down_proj.lora_magnitude_vector");
    });
    EXPECT_NE(noMagnitude.message.find("no lora_magnitude_vector but adapter_config.json has use_dora true"),
              std::string::npos)
        << noMagnitude.message;
    const PlanOutcome badMagnitude = planEdited("llama_bf16_dora", "llama_bf16_dora", [](auto& tensors) {
        tensors[kPrefix + "model.layers.0.mlp.down_proj.lora_magnitude_vector"] =
            fromFloats(Dtype::F32, {32}, std::vector<float>(32, 1.0f));
    });
    EXPECT_NE(badMagnitude.message.find("lora_magnitude_vector [32] should be [64]"), std::string::npos)
        << badMagnitude.message;
}

TEST(AdapterPlan, TrainableTokensNeedTheirIndices)
{
    const PlanOutcome outcome = planEdited(
        "llama_bf16_trainable_tokens", "llama_bf16_trainable_tokens", [](auto&) {},
        R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "trainable_token_indices": [3, 17]})");
    EXPECT_NE(outcome.message.find("should be [2, 64]"), std::string::npos) << outcome.message;
    const PlanOutcome outside = planEdited(
        "llama_bf16_trainable_tokens", "llama_bf16_trainable_tokens", [](auto&) {},
        R"({"peft_type": "LORA", "r": 8, "lora_alpha": 16, "trainable_token_indices": [3, 17, 400]})");
    EXPECT_NE(outside.message.find("trainable token index 400 is outside"), std::string::npos) << outside.message;
}

TEST(AdapterPlan, NonFloatAdapterTensorsAreRefused)
{
    const PlanOutcome outcome = planEdited("llama_bf16_qv", "llama_bf16_qv", [](auto& tensors) {
        Tensor& a = tensors.at(kPrefix + "model.layers.0.self_attn.q_proj.lora_A.weight");
        a.dtype = Dtype::I16;
    });
    EXPECT_NE(outcome.message.find("has dtype I16"), std::string::npos) << outcome.message;
}

} // namespace
} // namespace deepext::test
