// The structured card the window's panes are built from: names, summary lines and what each piece of text is.
#include "deepext/card/CardDocument.h"

#include "CardTestUtil.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using deepext::DeploymentRecord;
using deepext::DeploymentStatus;
using deepext::DeploymentSummary;
using deepext::ModelCard;
using deepext::ModelCardRenderer;
using namespace deepext::carddoc;

namespace {

ModelCard richCard()
{
    return ModelCard::fromJson(
        nlohmann::json::parse(cardtest::slurp(std::string(DEEPEXT_TEST_DATA_DIR) + "/card/rich_model_card.json")));
}

std::string summaryText(const Document& document)
{
    std::string out;
    for (const Fact& fact : document.summary) {
        out += (out.empty() ? "" : " | ") + fact.label + "=";
        for (const Span& span : fact.value) {
            out += span.text;
        }
    }
    return out;
}

const Section* findSection(const Document& document, const std::string& title)
{
    for (const Section& section : document.sections) {
        if (section.title == title) {
            return &section;
        }
    }
    return nullptr;
}

const Fact* findFact(const Section& section, const std::string& label)
{
    for (const Block& block : section.blocks) {
        for (const Fact& fact : block.facts) {
            if (fact.label == label) {
                return &fact;
            }
        }
    }
    return nullptr;
}

const Block* findTable(const Section& section)
{
    for (const Block& block : section.blocks) {
        if (block.kind == Block::Kind::Table) {
            return &block;
        }
    }
    return nullptr;
}

} // namespace

TEST(CardDocumentTest, SavedCard_NameSummaryAndKindsOfText)
{
    const ModelCard card = richCard();
    const std::vector<DeploymentSummary> deployments{
        {"m_d_1_q8_0", "local", "q8_0", "deployed", "2025-05-18T10:00:00Z"},
        {"m_d_2_q4_K_M", "local", "q4_K_M", "failed", "2025-05-18T10:05:00Z"}};
    const Document doc = ModelCardRenderer::document(card, deployments);
    EXPECT_EQ(doc.name, "tiny-llama_run1_20250518_1a2b_s_7cd5");
    // The weights' dtype stands in for "auto"; sizes are short; every fact applies (nothing "unknown").
    EXPECT_EQ(summaryText(doc),
              "Base=tiny-llama | Adapter=run1 | Rank=8 | Dtype=BF16 | Size=6.0 GiB | Created=2025-05-18T09:30:00Z");
    EXPECT_EQ(doc.summary.back().value.front().kind, SpanKind::Time);

    const Section* base = findSection(doc, "Base model");
    ASSERT_NE(base, nullptr);
    ASSERT_NE(findFact(*base, "Path"), nullptr);
    EXPECT_EQ(findFact(*base, "Path")->value.front().kind, SpanKind::Folder);
    const Section* trained = findSection(doc, "Trained model");
    ASSERT_NE(trained, nullptr);
    EXPECT_EQ(findFact(*trained, "Adapter path")->value.front().kind, SpanKind::Folder);

    const Block* files = findTable(*findSection(doc, "Files"));
    ASSERT_NE(files, nullptr);
    EXPECT_TRUE(files->itemized);
    ASSERT_EQ(files->rows.size(), 7u);
    EXPECT_EQ(files->rows[0][2].front().kind, SpanKind::Hash);
    EXPECT_EQ(files->rows[0][2].front().text, card.files[0].sha256);

    const Block* deployed = findTable(*findSection(doc, "Deployments"));
    ASSERT_NE(deployed, nullptr);
    EXPECT_TRUE(deployed->itemized);
    EXPECT_EQ(deployed->rows[1][3].front().kind, SpanKind::Status);
    EXPECT_EQ(deployed->rows[1][3].front().text, "failed");

    // Figures stay grid tables.
    const Block* results = findTable(*findSection(doc, "Training"));
    ASSERT_NE(results, nullptr);
    EXPECT_FALSE(results->itemized);
}

TEST(CardDocumentTest, FactsHaveLabelsAndValues_TablesHaveHeaders)
{
    const Document doc = ModelCardRenderer::document(richCard(), std::vector<DeploymentSummary>{});
    int facts = 0;
    for (const Section& section : doc.sections) {
        EXPECT_FALSE(section.title.empty());
        for (const Block& block : section.blocks) {
            for (const Fact& fact : block.facts) {
                ++facts;
                EXPECT_FALSE(fact.label.empty());
                EXPECT_FALSE(fact.value.empty()) << fact.label;
            }
            if (block.kind == Block::Kind::Table) {
                EXPECT_FALSE(block.header.empty());
                for (const auto& row : block.rows) {
                    EXPECT_EQ(row.size(), block.header.size());
                }
            }
        }
    }
    EXPECT_GT(facts, 50);
}

TEST(CardDocumentTest, RegisteredModels_SummariesLeaveOutWhatIsUnknown)
{
    const ModelCard card = richCard();
    deepext::BaseModelRecord base;
    base.technicalName = "tiny-llama";
    base.path = "/models/tiny";
    base.addedAt = "2025-05-01T08:00:00Z";
    base.facts = card.base.toJson();
    const Document baseDoc = ModelCardRenderer::baseModelDocument(base);
    EXPECT_EQ(baseDoc.name, "tiny-llama");
    EXPECT_EQ(summaryText(baseDoc), "Architecture=LlamaForCausalLM | Parameters=78,144 | Dtype=BF16 | Size=155.3 KiB | "
                                    "Template=none | Registered=2025-05-01T08:00:00Z");

    base.facts = nlohmann::json::object(); // registered before facts were recorded
    EXPECT_EQ(summaryText(ModelCardRenderer::baseModelDocument(base)),
              "Template=none | Registered=2025-05-01T08:00:00Z");

    deepext::TrainedModelRecord trained;
    trained.name = card.trained.name;
    trained.baseTechnicalName = "tiny-llama";
    trained.createdAt = "2025-05-17T21:10:00Z";
    const Document trainedDoc = ModelCardRenderer::trainedModelDocument(trained, card.trained);
    EXPECT_EQ(trainedDoc.name, card.trained.name);
    EXPECT_EQ(summaryText(trainedDoc),
              "Base=tiny-llama | Type=LORA | Rank=8 | Alpha=16 | Registered=2025-05-17T21:10:00Z");
}

TEST(CardDocumentTest, Deployment_StatusDigestAndTheServersMessage)
{
    DeploymentRecord record;
    record.uuid = "0d1e2f30-0000-4000-8000-000000000001";
    record.ollamaName = "m_s_7cd5_d_0d1e_q4_K_M";
    record.savedModel = "m_s_7cd5";
    record.environment = "gpu-box";
    record.url = "http://10.0.0.7:11434";
    record.quantization = "q4_K_M";
    record.status = DeploymentStatus::Failed;
    record.message = "error: unsupported architecture\nsee the server log";
    record.startedAt = "2025-05-18T10:00:00Z";
    record.endedAt = "2025-05-18T10:01:00Z";
    record.modelDigest = "sha256:" + std::string(64, 'a');
    const Document doc = ModelCardRenderer::deploymentDocument(record);
    EXPECT_EQ(doc.name, record.ollamaName);
    EXPECT_EQ(summaryText(doc),
              "Status=failed | Environment=gpu-box | Quantization=q4_K_M | Deployed=2025-05-18T10:01:00Z");
    ASSERT_FALSE(doc.sections.empty());
    EXPECT_EQ(doc.sections[0].title, record.ollamaName);
    EXPECT_EQ(findFact(doc.sections[0], "Status")->value.front().kind, SpanKind::Status);
    EXPECT_EQ(findFact(doc.sections[0], "Model digest")->value.front().kind, SpanKind::Hash);
    const Section* message = findSection(doc, "Message from the server");
    ASSERT_NE(message, nullptr);
    ASSERT_EQ(message->blocks.size(), 1u);
    EXPECT_EQ(message->blocks[0].kind, Block::Kind::Verbatim);
    EXPECT_EQ(message->blocks[0].verbatim, record.message);

    record.message.clear();
    record.modelDigest.clear();
    const Document quiet = ModelCardRenderer::deploymentDocument(record);
    EXPECT_EQ(findSection(quiet, "Message from the server"), nullptr);
    EXPECT_EQ(findFact(quiet.sections[0], "Model digest"), nullptr);
}

TEST(CardDocumentTest, MarkdownWritesPathsHashesAsCodeAndStatusesTimesAsText)
{
    EXPECT_TRUE(isCode(SpanKind::Code));
    EXPECT_TRUE(isCode(SpanKind::Folder));
    EXPECT_TRUE(isCode(SpanKind::File));
    EXPECT_TRUE(isCode(SpanKind::Hash));
    EXPECT_FALSE(isCode(SpanKind::Text));
    EXPECT_FALSE(isCode(SpanKind::Status));
    EXPECT_FALSE(isCode(SpanKind::Time));
    Document doc;
    doc.summary.push_back(Fact{"Left out", Inline{Span{"of the text", SpanKind::Text}}});
    Section section{2, "S", {}};
    Block facts;
    facts.kind = Block::Kind::Facts;
    facts.facts.push_back(Fact{"Path", Inline{Span{"/a_b", SpanKind::Folder}}});
    facts.facts.push_back(Fact{"State", Inline{Span{"deployed", SpanKind::Status}}});
    section.blocks.push_back(facts);
    doc.sections.push_back(section);
    EXPECT_EQ(toMarkdown(doc), "## S\n\n| Fact | Value |\n| --- | --- |\n| Path | `/a_b` |\n| State | deployed |\n");
    EXPECT_EQ(toPlainText(doc), "S\n-\n  Path:  /a_b\n  State: deployed\n");
}
