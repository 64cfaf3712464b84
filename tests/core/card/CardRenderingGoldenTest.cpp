// Every text the renderer writes for people, compared byte for byte with files in tests/data/card: a saved model's
// README.md, `deepext-cli show` (with deployments of every status), `base show` with and without a Deployment
// Template File, and `trained show`. The window's panes read the same structured card; these outputs must not
// change when the structure grows. The expected files were written by the renderer before the structured card
// existed; DEEPEXT_UPDATE_CARD_GOLDEN=1 rewrites them (review the diff before committing it).
#include "CardTestUtil.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

using deepext::BaseModelRecord;
using deepext::CardFormat;
using deepext::DeploymentSummary;
using deepext::ModelCard;
using deepext::ModelCardRenderer;
using deepext::TrainedModelRecord;

namespace {

std::string cardData(const std::string& file)
{
    return std::string(DEEPEXT_TEST_DATA_DIR) + "/card/" + file;
}

ModelCard loadCard(const std::string& json)
{
    return ModelCard::fromJson(nlohmann::json::parse(cardtest::slurp(cardData(json))));
}

void expectGolden(const std::string& actual, const std::string& file)
{
    if (std::getenv("DEEPEXT_UPDATE_CARD_GOLDEN")) {
        cardtest::writeText(cardData(file), actual);
    }
    const std::string expected = cardtest::slurp(cardData(file));
    ASSERT_FALSE(expected.empty()) << cardData(file) << " is missing";
    EXPECT_EQ(actual, expected) << "differs from " << file;
}

std::vector<DeploymentSummary> everyStatus(const std::string& saved)
{
    return {{saved + "_d_9f00_q8_0", "local", "q8_0", "deployed", "2025-05-18T10:00:00Z"},
            {saved + "_d_1b2c_q4_K_M", "gpu-box", "q4_K_M", "failed", "2025-05-18T10:05:00Z"},
            {saved + "_d_3d4e_q4_K_S", "http://10.0.0.7:11434", "q4_K_S", "cancelled", "2025-05-18T10:06:00Z"},
            {saved + "_d_5f60_no_quantization", "local", "no_quantization", "interrupted", "2025-05-18T10:07:00Z"},
            {saved + "_d_7a8b_q8_0", "local", "q8_0", "removed", "2025-05-18T10:08:00Z"},
            {saved + "_d_9c0d_q4_K_M", "local", "q4_K_M", "deploying", "2025-05-18T10:09:00Z"}};
}

BaseModelRecord baseRecord(const ModelCard& card, bool withTemplate)
{
    BaseModelRecord record;
    record.technicalName = card.base.technicalName;
    record.modelName = card.base.displayName;
    record.path = card.base.directory;
    record.addedAt = "2025-05-01T08:00:00Z";
    record.facts = card.base.toJson();
    if (withTemplate) {
        record.templateSource = "/home/researcher/templates/llama3.Modelfile";
        record.templateText =
            "# Llama 3 chat\nTEMPLATE \"\"\"{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n"
            "{{ .System }}<|eot_id|>{{ end }}```{{ .Prompt }}```\"\"\"\nPARAMETER stop <|eot_id|>\n";
    }
    return record;
}

TrainedModelRecord trainedRecord(const ModelCard& card)
{
    TrainedModelRecord record;
    record.name = card.trained.name;
    record.trainName = card.trained.trainName;
    record.baseTechnicalName = card.base.technicalName;
    record.adapterPath = card.trained.adapterDirectory;
    record.uuid = "1a2b0000-1111-4222-8333-444455556666";
    record.createdAt = "2025-05-17T21:10:00Z";
    return record;
}

} // namespace

TEST(CardRenderingGoldenTest, RichCard_ReadmeShowAndMarkdownAreUnchanged)
{
    const ModelCard card = loadCard("rich_model_card.json");
    expectGolden(ModelCardRenderer::readme(card), "rich.README.md");
    expectGolden(ModelCardRenderer::terminalText(card, everyStatus(card.name)), "rich.show.txt");
    expectGolden(ModelCardRenderer::markdown(card, everyStatus(card.name)), "rich.show.md");
    expectGolden(ModelCardRenderer::terminalText(card, std::vector<DeploymentSummary>{}), "rich.undeployed.show.txt");
}

TEST(CardRenderingGoldenTest, MinimalCard_ReadmeAndShowAreUnchanged)
{
    const ModelCard card = loadCard("minimal_model_card.json");
    expectGolden(ModelCardRenderer::readme(card), "minimal.README.md");
    expectGolden(ModelCardRenderer::terminalText(card, std::vector<DeploymentSummary>{}), "minimal.show.txt");
}

TEST(CardRenderingGoldenTest, RegisteredModels_BaseShowAndTrainedShowAreUnchanged)
{
    const ModelCard card = loadCard("rich_model_card.json");
    expectGolden(ModelCardRenderer::baseModel(baseRecord(card, true), CardFormat::Terminal), "base.show.txt");
    expectGolden(ModelCardRenderer::baseModel(baseRecord(card, false), CardFormat::Terminal),
                 "base-no-template.show.txt");
    expectGolden(ModelCardRenderer::baseModel(baseRecord(card, true), CardFormat::Markdown), "base.show.md");
    expectGolden(ModelCardRenderer::trainedModel(trainedRecord(card), card.trained, CardFormat::Terminal),
                 "trained.show.txt");
    expectGolden(ModelCardRenderer::trainedModel(trainedRecord(card), card.trained, CardFormat::Markdown),
                 "trained.show.md");
}
