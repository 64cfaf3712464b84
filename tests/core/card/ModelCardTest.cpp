#include "deepext/card/ModelCard.h"

#include "CardTestUtil.h"
#include "deepext/base/Error.h"
#include "deepext/card/ModelCardFiles.h"
#include "deepext/card/ModelCardRenderer.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

using cardtest::golden;
using cardtest::realworld;
using deepext::CardInputs;
using deepext::DeploymentSummary;
using deepext::ModelCard;
using deepext::ModelCardRenderer;

namespace {

deepext::MergeResult sampleMerge()
{
    deepext::MergeResult m;
    m.files = {{"config.json", 600, std::string(64, 'a')},
               {"model.safetensors", 158432, std::string(64, 'b')},
               {"README.md", 10, std::string(64, 'c')},
               {"model_card.json", 10, std::string(64, 'd')},
               {"tokenizer.json", 2000, std::string(64, 'e')}};
    m.outputDtype = "auto";
    m.tensorsMerged = 4;
    m.tensorsReplaced = 0;
    m.tensorsCopied = 16;
    for (int layer = 0; layer < 2; ++layer) {
        for (const char* proj : {"q_proj", "v_proj"}) {
            m.scalings.push_back({"model.layers." + std::to_string(layer) + ".self_attn." + proj, 4, 8, 2, false});
        }
    }
    m.warnings = {"fan_in_fan_out forced to false for a Linear layer"};
    m.durationSeconds = 0.25;
    m.bytesWritten = 161042;
    return m;
}

CardInputs goldenInputs(const std::string& adapterDirectory)
{
    CardInputs in;
    in.savedName = "qv-demo_s_1a2b";
    in.savingUuid = "1a2b3c4d-0000-4000-8000-000000000000";
    in.createdAt = "2025-05-18T09:30:00Z";
    in.baseTechnicalName = "tiny-llama";
    in.baseDisplayName = "Tiny Llama";
    in.baseDirectory = golden("llama_bf16_qv") + "/base";
    in.trainedName = "qv-demo";
    in.trainName = "run1";
    in.adapterDirectory = adapterDirectory;
    in.merge = sampleMerge();
    return in;
}

} // namespace

TEST(ModelCardTest, BuildFromGoldenCase)
{
    const ModelCard card = ModelCard::build(goldenInputs(golden("llama_bf16_qv") + "/adapter"));
    EXPECT_EQ(card.schemaVersion, ModelCard::currentSchemaVersion());
    EXPECT_EQ(card.appVersion, DEEPEXT_VERSION);
    EXPECT_EQ(card.base.technicalName, "tiny-llama");
    EXPECT_EQ(card.base.parameterCount, cardtest::headerParameterSum(golden("llama_bf16_qv") + "/base"));
    EXPECT_EQ(card.trained.adapter.peftType, "LORA");
    EXPECT_TRUE(card.trained.training.sources.empty());
    // The card files are not in their own manifest.
    ASSERT_EQ(card.files.size(), 3u);
    EXPECT_EQ(card.files[0].path, "config.json");
    EXPECT_EQ(card.totalSize, 600u + 158432u + 2000u);
    ASSERT_EQ(card.merge.scalingGroups.size(), 1u);
    EXPECT_EQ(card.merge.scalingGroups[0].modules.size(), 4u);
    EXPECT_EQ(card.merge.warnings.size(), 1u);

    const std::string md = ModelCardRenderer::markdown(card);
    EXPECT_NE(md.find("# qv-demo\\_s\\_1a2b"), std::string::npos) << md.substr(0, 200);
    EXPECT_NE(md.find("all 4 merged modules used rank 4, alpha 8, scaling 2"), std::string::npos);
    EXPECT_NE(md.find("No training metadata was found beside the adapter"), std::string::npos);
    EXPECT_NE(md.find("| Parameters | "), std::string::npos);
    EXPECT_EQ(md.find("## Deployments"), std::string::npos);
}

TEST(ModelCardTest, ReadmeFrontMatterIsYamlWithHubFields)
{
    QTemporaryDir out;
    const ModelCard card = ModelCard::build(goldenInputs(golden("llama_bf16_qv") + "/adapter"));
    deepext::writeModelCardFiles(card, out.path().toStdString());
    const std::string readme = cardtest::slurp(out.path().toStdString() + "/README.md");
    ASSERT_EQ(readme.rfind("---\n", 0), 0u);
    const auto end = readme.find("\n---\n", 4);
    ASSERT_NE(end, std::string::npos);
    const YAML::Node y = YAML::Load(readme.substr(4, end - 4));
    // The golden adapter names acme/llama_bf16_qv as its base: a Hub id.
    EXPECT_EQ(y["base_model"].as<std::string>(), card.trained.adapter.baseModelNameOrPath.value());
    EXPECT_EQ(y["base_model_relation"].as<std::string>(), "finetune");
    EXPECT_EQ(y["library_name"].as<std::string>(), "transformers");
    ASSERT_TRUE(y["tags"].IsSequence());
    EXPECT_EQ(y["tags"][0].as<std::string>(), "deepextension");
    EXPECT_FALSE(y["license"]); // unknown: left out, not invented
    EXPECT_FALSE(y["datasets"]);

    const ModelCard loaded = ModelCard::load(out.path().toStdString());
    EXPECT_EQ(loaded.toJson(), card.toJson());
}

TEST(ModelCardTest, RealTrainingFolderFactsReachTheCardAndReadme)
{
    QTemporaryDir out;
    const std::string adapter = realworld("mitaman__12_mitaman_NusAdil_AI__Model_Lora");
    const ModelCard card = ModelCard::build(goldenInputs(adapter));
    deepext::writeModelCardFiles(card, out.path().toStdString());
    const std::string readme = cardtest::slurp(out.path().toStdString() + "/README.md");
    const auto end = readme.find("\n---\n", 4);
    const YAML::Node y = YAML::Load(readme.substr(4, end - 4));
    EXPECT_EQ(y["base_model"].as<std::string>(), "unsloth/Qwen2.5-3B-Instruct");
    EXPECT_EQ(y["license"].as<std::string>(), "other"); // the adapter's card: the base has none
    ASSERT_TRUE(y["datasets"].IsSequence());
    EXPECT_EQ(y["datasets"][0].as<std::string>(), "hukum");
    std::vector<std::string> tags;
    for (const auto& t : y["tags"]) {
        tags.push_back(t.as<std::string>());
    }
    EXPECT_NE(std::find(tags.begin(), tags.end(), "llama-factory"), tags.end());
    EXPECT_NE(std::find(tags.begin(), tags.end(), "lora"), tags.end());

    const std::string body = readme.substr(end + 5);
    EXPECT_NE(body.find("| Final train loss | 0.6945 (step 40, epoch 20) |"), std::string::npos) << body;
    EXPECT_NE(body.find("| Best train loss | 0.6945 (step 40, epoch 20) |"), std::string::npos);
    EXPECT_NE(body.find("| Dataset | `hukum` |"), std::string::npos);
    EXPECT_NE(body.find("| Cutoff length | 2,048 |"), std::string::npos);
    EXPECT_NE(body.find("| Gradient accumulation | 8 |"), std::string::npos);
    EXPECT_NE(body.find("| Learning rate | 3e-05 |"), std::string::npos);
    EXPECT_NE(body.find("### Loss curve"), std::string::npos);
    EXPECT_NE(body.find("| modules\\_to\\_save | none |"), std::string::npos);
    EXPECT_NE(body.find("| Adapter weights | none found beside the config |"), std::string::npos);
    EXPECT_NE(body.find("8 training loss values logged; all shown"), std::string::npos);
    EXPECT_NE(body.find("| `eval_loss` | 0.8126075863838196 | `all_results.json`, `eval_results.json` |"),
              std::string::npos)
        << body;
}

TEST(ModelCardTest, MalformedTrainingMetadataStillYieldsACardWithTheGap)
{
    QTemporaryDir adapter;
    const std::string d = adapter.path().toStdString();
    std::filesystem::copy_file(golden("llama_bf16_qv") + "/adapter/adapter_config.json", d + "/adapter_config.json");
    cardtest::writeText(d + "/trainer_state.json", "{\n  \"epoch\": 1,\n  \"log_history\": [,]\n}\n");
    ModelCard card;
    ASSERT_NO_THROW(card = ModelCard::build(goldenInputs(d)));
    const auto& notes = card.trained.training.notes;
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0], "trainer_state.json: not valid JSON at line 3, column 19");
    const std::string md = ModelCardRenderer::markdown(card);
    EXPECT_NE(md.find("trainer\\_state.json: not valid JSON at line 3"), std::string::npos);
    const std::string text = ModelCardRenderer::terminalText(card);
    EXPECT_NE(text.find("trainer_state.json: not valid JSON at line 3"), std::string::npos);
}

TEST(ModelCardTest, MissingDirectoriesStillYieldACard)
{
    CardInputs in = goldenInputs("/nonexistent/adapter");
    in.baseDirectory = "/nonexistent/base";
    ModelCard card;
    ASSERT_NO_THROW(card = ModelCard::build(in));
    EXPECT_FALSE(card.base.parameterCount.has_value());
    EXPECT_FALSE(card.base.notes.empty());
    EXPECT_FALSE(card.trained.adapter.notes.empty());
    // No Hub id anywhere: the README names the local base and the card says so.
    EXPECT_FALSE(card.notes.empty());
    const std::string fm = ModelCardRenderer::frontMatter(card);
    EXPECT_EQ(YAML::Load(fm.substr(4, fm.size() - 9))["base_model"].as<std::string>(), "tiny-llama");
    const std::string text = ModelCardRenderer::terminalText(card);
    EXPECT_NE(text.find("Parameters:"), std::string::npos);
    EXPECT_NE(text.find("unknown"), std::string::npos);
}

TEST(ModelCardTest, NonUniformScalingIsListed)
{
    CardInputs in = goldenInputs(golden("llama_fp32_patterns") + "/adapter");
    in.merge.scalings.push_back({"model.layers.1.mlp.down_proj", 8, 8, 1, false});
    const ModelCard card = ModelCard::build(in);
    EXPECT_FALSE(card.merge.scalingUniform());
    const std::string md = ModelCardRenderer::markdown(card);
    EXPECT_NE(md.find("Scaling differs between modules"), std::string::npos);
    EXPECT_NE(md.find("`model.layers.1.mlp.down_proj`"), std::string::npos);
}

TEST(ModelCardTest, DeploymentsAreAddedWhenGiven)
{
    const ModelCard card = ModelCard::build(goldenInputs(golden("llama_bf16_qv") + "/adapter"));
    const std::vector<DeploymentSummary> deployments = {
        {"qv-demo_s_1a2b_d_9f00_q8_0", "local", "q8_0", "deployed", "2025-05-19T10:00:00Z"}};
    const std::string md = ModelCardRenderer::markdown(card, deployments);
    EXPECT_NE(md.find("## Deployments"), std::string::npos);
    EXPECT_NE(md.find("`qv-demo_s_1a2b_d_9f00_q8_0` | local | q8\\_0 | deployed |"), std::string::npos) << md;
    EXPECT_NE(ModelCardRenderer::markdown(card, std::vector<DeploymentSummary>{}).find("has not been deployed"),
              std::string::npos);
    EXPECT_NE(ModelCardRenderer::terminalText(card, deployments).find("qv-demo_s_1a2b_d_9f00_q8_0"), std::string::npos);
    EXPECT_EQ(ModelCardRenderer::readme(card).find("Deployments"), std::string::npos);
}

TEST(ModelCardTest, OldCardLoadsWithUnknowns)
{
    // A card from before the schema existed: few fields, a field this version does not know.
    const nlohmann::json old = {{"name", "m_s_0001"},
                                {"base_model", {{"technical_name", "b"}, {"hidden_size", "big"}}},
                                {"legacy_field", {{"kept", true}}}};
    const ModelCard card = ModelCard::fromJson(old);
    EXPECT_EQ(card.schemaVersion, "0.0");
    EXPECT_EQ(card.name, "m_s_0001");
    EXPECT_FALSE(card.base.hiddenSize.has_value());
    EXPECT_FALSE(card.totalSize.has_value());
    EXPECT_EQ(card.toJson()["legacy_field"]["kept"], true);
    EXPECT_EQ(card.toJson()["schema_version"], ModelCard::currentSchemaVersion());
    const std::string text = ModelCardRenderer::terminalText(card);
    EXPECT_NE(text.find("Model type:"), std::string::npos);
}

TEST(ModelCardTest, TemplateSnapshot_RoundTripsAndIsRendered)
{
    const std::string sha(64, 'c');
    const nlohmann::json json = {{"schema_version", "1.1"},
                                 {"name", "m_s_0001"},
                                 {"files", {{{"path", "deployment_template"}, {"size", 42}, {"sha256", sha}}}},
                                 {"deployment_template",
                                  {{"file", "deployment_template"},
                                   {"sha256", sha},
                                   {"size", 42},
                                   {"base_model", "qw2.5-7-i"},
                                   {"source_file", "/models/qwen.template"}}}};
    const ModelCard card = ModelCard::fromJson(json);
    ASSERT_TRUE(card.deploymentTemplate.has_value());
    EXPECT_EQ(card.deploymentTemplate->baseTechnicalName, "qw2.5-7-i");
    EXPECT_EQ(card.deploymentTemplate->size, 42U);
    EXPECT_EQ(card.toJson()["deployment_template"], json["deployment_template"]);
    EXPECT_TRUE(card.unknownFields.empty()) << card.unknownFields.dump();
    const std::string text = ModelCardRenderer::terminalText(card);
    EXPECT_NE(text.find("Captured at save time"), std::string::npos) << text;
    EXPECT_NE(text.find(sha), std::string::npos);
    EXPECT_NE(text.find("/models/qwen.template"), std::string::npos);
    EXPECT_EQ(text.find("No Deployment Template File was captured"), std::string::npos);

    // Without one (an older card), nothing is written back and the card says deploy uses the base's template.
    const ModelCard old = ModelCard::fromJson({{"schema_version", "1.0"}, {"name", "m_s_0002"}});
    EXPECT_FALSE(old.deploymentTemplate.has_value());
    EXPECT_FALSE(old.toJson().contains("deployment_template"));
    EXPECT_NE(ModelCardRenderer::terminalText(old).find("No Deployment Template File was captured"), std::string::npos);
}

TEST(ModelCardTest, NewerMinorKeepsUnknownNestedFields)
{
    nlohmann::json j = ModelCard::build(goldenInputs(golden("llama_bf16_qv") + "/adapter")).toJson();
    j["schema_version"] = "1.7";
    j["merge"]["future_metric"] = 42;
    const ModelCard card = ModelCard::fromJson(j);
    EXPECT_EQ(card.toJson()["merge"]["future_metric"], 42);
}

TEST(ModelCardTest, NewerMajorIsRefusedClearly)
{
    nlohmann::json j = {{"schema_version", "2.0"}, {"name", "x"}};
    try {
        ModelCard::fromJson(j);
        FAIL() << "expected deepext::Error";
    } catch (const deepext::Error& e) {
        EXPECT_NE(e.message().find("schema version 2.0"), std::string::npos) << e.message();
        EXPECT_NE(e.message().find("update DeepExtension"), std::string::npos);
    }
}

TEST(ModelCardTest, LoadReportsBrokenJson)
{
    QTemporaryDir dir;
    cardtest::writeText(dir.path().toStdString() + "/model_card.json", "{\n\"name\": }");
    EXPECT_THROW(ModelCard::load(dir.path().toStdString()), deepext::Error);
}

TEST(ModelCardRendererTest, HubIdShapeAndSparkline)
{
    EXPECT_TRUE(ModelCardRenderer::looksLikeHubId("Qwen/Qwen2.5-3B-Instruct"));
    EXPECT_FALSE(ModelCardRenderer::looksLikeHubId("/home/u/models/Qwen3-14B"));
    EXPECT_FALSE(ModelCardRenderer::looksLikeHubId("./models/paligemma-3b-mix-448"));
    EXPECT_FALSE(ModelCardRenderer::looksLikeHubId("gpt2"));
    EXPECT_EQ(ModelCardRenderer::sparkline({1, 0}), "\u2588\u2581");
    EXPECT_EQ(ModelCardRenderer::sparkline({}), "");
}
