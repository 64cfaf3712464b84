// The card pane on its own, with the fixture cards of tests/data/card: its structure (not its pixels) in a light and
// a dark palette, narrow and wide. ctest runs these under QT_STYLE_OVERRIDE and QT_SCALE_FACTOR=2 as well.
#include "gui/CardPane.h"

#include "PaletteScope.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"
#include "gui/ElidedLabel.h"
#include "gui/StatusBadge.h"

#include <QApplication>
#include <QClipboard>
#include <QFontInfo>
#include <QGridLayout>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSet>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace deepext;
using namespace deepext::gui;

namespace {

ModelCard fixtureCard(const char* file)
{
    std::ifstream in(std::string(DEEPEXT_TEST_DATA_DIR) + "/card/" + file);
    std::stringstream text;
    text << in.rdbuf();
    return ModelCard::fromJson(nlohmann::json::parse(text.str()));
}

std::vector<DeploymentSummary> everyStatus(const std::string& saved)
{
    return {{saved + "_d_9f00_q8_0", "local", "q8_0", "deployed", "2025-05-18T10:00:00Z"},
            {saved + "_d_1b2c_q4_K_M", "gpu-box", "q4_K_M", "failed", "2025-05-18T10:05:00Z"},
            {saved + "_d_3d4e_q4_K_S", "local", "q4_K_S", "cancelled", "2025-05-18T10:06:00Z"},
            {saved + "_d_5f60_no_quantization", "local", "no_quantization", "interrupted", "2025-05-18T10:07:00Z"},
            {saved + "_d_7a8b_q8_0", "local", "q8_0", "removed", "2025-05-18T10:08:00Z"}};
}

class CardPaneTest : public ::testing::Test
{
protected:
    void show(const carddoc::Document& document, int width = 620, int height = 700)
    {
        m_pane.resize(width, height);
        m_pane.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&m_pane));
        m_pane.showDocument(document);
        settle();
    }

    // Lets the layouts run (and a palette change's rebuild, which is posted).
    void settle()
    {
        QApplication::processEvents();
        m_pane.scrollArea()->widget()->layout()->activate();
        QApplication::processEvents();
    }

    QToolButton* copyButtonBeside(QWidget* field)
    {
        return field->parentWidget()->findChild<QToolButton*>(QStringLiteral("cardCopyButton"));
    }

    const ModelCard m_card = fixtureCard("rich_model_card.json");
    CardPane m_pane;
    QStringList m_opened;
};

} // namespace

TEST_F(CardPaneTest, Header_ShowsTheNameAndCopiesItToTheClipboard)
{
    show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)));
    auto* name = m_pane.findChild<ElidedLabel*>(QStringLiteral("cardNameLabel"));
    ASSERT_NE(name, nullptr);
    EXPECT_TRUE(name->isVisible());
    EXPECT_EQ(name->fullText(), QString::fromStdString(m_card.name));
    auto* copy = m_pane.findChild<QToolButton*>(QStringLiteral("copyNameButton"));
    ASSERT_NE(copy, nullptr);
    EXPECT_TRUE(copy->isVisible());
    EXPECT_FALSE(copy->accessibleName().isEmpty());
    EXPECT_FALSE(copy->toolTip().isEmpty());
    QApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text(), QString::fromStdString(m_card.name));

    // The summary: one line of what applies, nothing "unknown".
    auto* summary = m_pane.findChild<QLabel*>(QStringLiteral("cardSummaryLabel"));
    ASSERT_NE(summary, nullptr);
    const QString line = summary->text().remove(QChar(0x200B));
    for (const char* part : {"Base tiny-llama", "Adapter run1", "Rank 8", "Dtype BF16", "Size 6.0 GiB", "Created "}) {
        EXPECT_TRUE(line.contains(QLatin1String(part))) << part << " in " << line.toStdString();
    }
    EXPECT_FALSE(line.contains(QLatin1String("unknown")));
}

TEST_F(CardPaneTest, Facts_AreLabelValueRowsWithoutEmptyRowsOrTableHeaders)
{
    const carddoc::Document document = ModelCardRenderer::document(m_card, everyStatus(m_card.name));
    show(document);
    qsizetype factsInDocument = 0;
    for (const carddoc::Section& section : document.sections) {
        for (const carddoc::Block& block : section.blocks) {
            factsInDocument += block.kind == carddoc::Block::Kind::Facts ? 1 : 0;
        }
    }
    const auto factBlocks = m_pane.findChildren<QWidget*>(QStringLiteral("cardFacts"));
    ASSERT_EQ(factBlocks.size(), factsInDocument);
    ASSERT_GE(factBlocks.size(), 7);
    int rows = 0;
    for (const QWidget* block : factBlocks) {
        const auto* grid = qobject_cast<const QGridLayout*>(block->layout());
        ASSERT_NE(grid, nullptr);
        EXPECT_EQ(grid->columnCount(), 2);
        for (int row = 0; row < grid->rowCount(); ++row) {
            const auto* key = qobject_cast<const QLabel*>(grid->itemAtPosition(row, 0)->widget());
            const QWidget* value = grid->itemAtPosition(row, 1)->widget();
            ASSERT_NE(key, nullptr);
            ASSERT_NE(value, nullptr);
            EXPECT_FALSE(key->text().trimmed().isEmpty()) << "an empty row";
            EXPECT_NE(key->text(), QStringLiteral("Fact")) << "a table header row";
            if (const auto* label = qobject_cast<const QLabel*>(value)) {
                EXPECT_FALSE(label->text().trimmed().isEmpty()) << key->text().toStdString();
            }
            ++rows;
        }
    }
    EXPECT_GT(rows, 60);
    // No "Fact | Value" header anywhere (the Markdown tables' header is not the pane's).
    for (const QLabel* label : m_pane.findChildren<QLabel*>()) {
        EXPECT_NE(label->text(), QStringLiteral("Fact"));
    }
    // Grid tables (the results, the loss curve, the scaling groups) have a header row with text in every column.
    for (const QLabel* head : m_pane.findChildren<QLabel*>(QStringLiteral("cardColumnLabel"))) {
        EXPECT_FALSE(head->text().trimmed().isEmpty());
    }
}

TEST_F(CardPaneTest, Hashes_AreMonospaceSelectableAndCopied)
{
    show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)));
    const auto hashes = m_pane.findChildren<QLineEdit*>(QStringLiteral("cardHashEdit"));
    ASSERT_EQ(hashes.size(), static_cast<qsizetype>(m_card.files.size()));
    for (std::size_t i = 0; i < m_card.files.size(); ++i) {
        QLineEdit* hash = hashes[static_cast<qsizetype>(i)];
        const QString expected = QString::fromStdString(m_card.files[i].sha256);
        EXPECT_EQ(hash->text(), expected);
        EXPECT_TRUE(hash->isReadOnly());
        EXPECT_TRUE(QFontInfo(hash->font()).fixedPitch()) << QFontInfo(hash->font()).family().toStdString();
        hash->selectAll();
        EXPECT_EQ(hash->selectedText(), expected);
        QToolButton* copy = copyButtonBeside(hash);
        ASSERT_NE(copy, nullptr);
        EXPECT_FALSE(copy->accessibleName().isEmpty());
        QApplication::clipboard()->clear();
        QTest::mouseClick(copy, Qt::LeftButton);
        EXPECT_EQ(QApplication::clipboard()->text(), expected);
    }
}

TEST_F(CardPaneTest, Paths_ElidedInTheMiddleWithTooltipCopyAndOpenFolder)
{
    m_pane.setFolderOpener([this](const QString& folder) { m_opened << folder; });
    show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)), 520);
    const auto paths = m_pane.findChildren<ElidedLabel*>(QStringLiteral("cardPathLabel"));
    ASSERT_EQ(paths.size(), 2); // the base model's folder and the adapter's
    for (ElidedLabel* path : paths) {
        const QString full = path->fullText();
        ASSERT_TRUE(full.startsWith(QLatin1Char('/')));
        EXPECT_TRUE(path->isElided()) << full.toStdString();
        EXPECT_TRUE(path->text().contains(QChar(0x2026)));
        // Middle: the start and the end of the path survive.
        EXPECT_EQ(path->text().left(5), full.left(5));
        EXPECT_EQ(path->text().right(5), full.right(5));
        EXPECT_EQ(path->toolTip(), full);
        EXPECT_LE(path->width(), path->parentWidget()->width());

        auto* field = path->parentWidget();
        auto* copy = field->findChild<QToolButton*>(QStringLiteral("cardCopyButton"));
        auto* open = field->findChild<QToolButton*>(QStringLiteral("cardOpenFolderButton"));
        ASSERT_NE(copy, nullptr);
        ASSERT_NE(open, nullptr);
        EXPECT_FALSE(open->accessibleName().isEmpty());
        EXPECT_FALSE(open->toolTip().isEmpty());
        QApplication::clipboard()->clear();
        QTest::mouseClick(copy, Qt::LeftButton);
        EXPECT_EQ(QApplication::clipboard()->text(), full);
        QTest::mouseClick(open, Qt::LeftButton);
        ASSERT_FALSE(m_opened.isEmpty());
        EXPECT_EQ(m_opened.back(), full);
    }
    EXPECT_EQ(m_opened.size(), 2);
}

TEST_F(CardPaneTest, Deployments_HaveABadgeForEveryStatusWithItsText)
{
    show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)));
    QStringList statuses;
    QSet<QRgb> colours;
    for (const StatusBadge* badge : m_pane.findChildren<StatusBadge*>()) {
        EXPECT_TRUE(badge->isVisible());
        EXPECT_EQ(badge->text(), badge->status());
        statuses << badge->status();
        colours.insert(badge->backgroundColor().rgb());
    }
    EXPECT_EQ(statuses, (QStringList{QStringLiteral("deployed"), QStringLiteral("failed"), QStringLiteral("cancelled"),
                                     QStringLiteral("interrupted"), QStringLiteral("removed")}));
    EXPECT_EQ(colours.size(), 5) << "each status has a colour of its own";
    // Each deployment's name in Ollama leads its entry, with Copy.
    const auto entries = m_pane.findChildren<QWidget*>(QStringLiteral("cardItem"));
    EXPECT_EQ(entries.size(), static_cast<qsizetype>(m_card.files.size() + 5));
}

TEST_F(CardPaneTest, Narrow_NoHorizontalScrollBarAndNothingWiderThanThePane)
{
    for (const int width : {620, 420}) {
        show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)), width);
        const QScrollArea* area = m_pane.scrollArea();
        EXPECT_FALSE(area->horizontalScrollBar()->isVisible()) << width;
        EXPECT_LE(area->widget()->minimumSizeHint().width(), area->viewport()->width()) << width;
        EXPECT_LE(area->widget()->width(), area->viewport()->width()) << width;
    }
}

TEST_F(CardPaneTest, DarkPalette_LabelsAndBadgesKeepTheirContrast)
{
    for (const auto kind : {test::PaletteScope::Kind::Dark, test::PaletteScope::Kind::Light}) {
        const test::PaletteScope palette(kind);
        show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)));
        int checked = 0;
        for (const QLabel* label : m_pane.findChildren<QLabel*>()) {
            if (!label->isVisibleTo(&m_pane) || label->text().isEmpty()) {
                continue;
            }
            if (const auto* badge = qobject_cast<const StatusBadge*>(label)) {
                EXPECT_GE(test::contrastRatio(badge->textColor(), badge->backgroundColor()), 4.5)
                    << badge->status().toStdString();
                continue;
            }
            const QColor text = label->palette().color(label->foregroundRole());
            const QColor behind = test::backgroundBehind(label);
            EXPECT_GE(test::contrastRatio(text, behind), 4.5)
                << label->objectName().toStdString() << " \"" << label->text().left(30).toStdString() << "\" "
                << text.name().toStdString() << " on " << behind.name().toStdString();
            ++checked;
        }
        EXPECT_GT(checked, 100);
        // The hash fields read on the card's own background.
        for (const QLineEdit* hash : m_pane.findChildren<QLineEdit*>(QStringLiteral("cardHashEdit"))) {
            EXPECT_GE(test::contrastRatio(hash->palette().color(QPalette::Text), hash->palette().color(QPalette::Base)),
                      4.5);
        }
    }
}

TEST_F(CardPaneTest, PaletteChange_WhileShown_RebuildsWithTheNewColours)
{
    show(ModelCardRenderer::document(m_card, everyStatus(m_card.name)));
    const test::PaletteScope dark(test::PaletteScope::Kind::Dark);
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const QLabel* key = m_pane.findChild<QLabel*>(QStringLiteral("cardKeyLabel"));
            return key &&
                   test::contrastRatio(key->palette().color(key->foregroundRole()), test::backgroundBehind(key)) >=
                       4.5 &&
                   key->palette().color(QPalette::Base) == test::PaletteScope::darkPalette().color(QPalette::Base);
        },
        5000));
}

TEST_F(CardPaneTest, RegisteredModelsAndDeployment_ShowTheirOwnNames)
{
    BaseModelRecord base;
    base.technicalName = "tiny-llama";
    base.path = "/models/tiny-llama";
    base.facts = m_card.base.toJson();
    show(ModelCardRenderer::baseModelDocument(base));
    EXPECT_EQ(m_pane.name(), QStringLiteral("tiny-llama"));
    EXPECT_EQ(m_pane.findChildren<ElidedLabel*>(QStringLiteral("cardPathLabel")).size(), 1);

    DeploymentRecord record;
    record.uuid = "0d1e2f30-0000-4000-8000-000000000001";
    record.ollamaName = "tiny_s_1a2b_d_0d1e_q8_0";
    record.savedModel = "tiny_s_1a2b";
    record.status = DeploymentStatus::Failed;
    record.message = "quantization is only supported for F16 and F32 models";
    record.modelDigest = "sha256:" + std::string(64, 'c');
    show(ModelCardRenderer::deploymentDocument(record));
    EXPECT_EQ(m_pane.name(), QStringLiteral("tiny_s_1a2b_d_0d1e_q8_0"));
    // The status is in the summary line and among the facts.
    EXPECT_EQ(m_pane.findChildren<StatusBadge*>().size(), 2);
    EXPECT_EQ(m_pane.findChildren<QLineEdit*>(QStringLiteral("cardHashEdit")).size(), 1);
    auto* message = m_pane.findChild<QLabel*>(QStringLiteral("cardVerbatimLabel"));
    ASSERT_NE(message, nullptr);
    EXPECT_EQ(message->text().remove(QChar(0x200B)), QString::fromStdString(record.message));
}

TEST_F(CardPaneTest, PlainText_IsWhatTheCliShows_AndProblemsAndPlaceholderHaveNoHeader)
{
    const carddoc::Document document = ModelCardRenderer::document(m_card, everyStatus(m_card.name));
    show(document);
    EXPECT_EQ(m_pane.plainText().toStdString(), ModelCardRenderer::render(document, CardFormat::Terminal));

    m_pane.showProblem(QStringLiteral("broken_s_0001"), QStringLiteral("The model card cannot be read."));
    settle();
    EXPECT_EQ(m_pane.name(), QStringLiteral("broken_s_0001"));
    EXPECT_TRUE(m_pane.findChild<QLabel*>(QStringLiteral("cardProblemLabel"))->isVisible());
    EXPECT_FALSE(m_pane.findChild<QWidget*>(QStringLiteral("cardSummary"))->isVisible());

    m_pane.clear();
    settle();
    EXPECT_TRUE(m_pane.isEmpty());
    EXPECT_FALSE(m_pane.findChild<QWidget*>(QStringLiteral("cardHeader"))->isVisible());
    EXPECT_TRUE(m_pane.findChild<QLabel*>(QStringLiteral("cardPlaceholderLabel"))->isVisible());
}
