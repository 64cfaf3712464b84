#include "gui/ExportGgufDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Sha256.h"
#include "deepext/base/Workspace.h"
#include "deepext/gguf/GgufReader.h"
#include "gui/AppContext.h"
#include "gui/JobTracker.h"
#include "gui/SavedModelsPage.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace deepext;
using namespace deepext::gui;

namespace {

class ExportGgufDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        // The dialog remembers the last folder; start every test from the same one.
        QSettings().remove(QStringLiteral("ExportGgufDialog/folder"));
        m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    }

    nlohmann::json card() const
    {
        std::ifstream file(m_workspace.savedModelsDir() + "/" + m_saved.toStdString() + "/model_card.json");
        return nlohmann::json::parse(file);
    }

    // The dialog the page's Export GGUF button opens for the selected model.
    ExportGgufDialog* openFromPage(SavedModelsPage& page)
    {
        page.show();
        if (!QTest::qWaitFor([&] { return page.currentName() == m_saved; }, 10000)) {
            return nullptr;
        }
        auto* button = page.findChild<QPushButton*>(QStringLiteral("exportGgufButton"));
        if (!button || !button->isEnabled()) {
            return nullptr;
        }
        QTest::mouseClick(button, Qt::LeftButton);
        return page.findChild<ExportGgufDialog*>();
    }

    std::vector<std::string> outEntries() const
    {
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(m_out.path().toStdString())) {
            names.push_back(entry.path().filename().string());
        }
        return names;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_out;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    QString m_saved;
};

} // namespace

TEST_F(ExportGgufDialogTest, Export_WritesTheFileAndTheCardRecordsIt)
{
    SavedModelsPage page(m_context);
    ExportGgufDialog* dialog = openFromPage(page);
    ASSERT_NE(dialog, nullptr);
    ASSERT_TRUE(dialog->isVisible());

    // The suggestion follows the type until the user picks a path; Browse goes through the prompts seam.
    EXPECT_TRUE(dialog->destinationEdit()->text().endsWith(m_saved + QStringLiteral("-auto.gguf")))
        << dialog->destinationEdit()->text().toStdString();
    dialog->typeBox()->setCurrentIndex(dialog->typeBox()->findData(QStringLiteral("q8_0")));
    EXPECT_TRUE(dialog->destinationEdit()->text().endsWith(m_saved + QStringLiteral("-q8_0.gguf")));
    const QString target = m_out.filePath(QStringLiteral("chosen.gguf"));
    m_prompts.queueSaveFile(target);
    QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("ggufBrowseButton")), Qt::LeftButton);
    EXPECT_EQ(dialog->destinationEdit()->text(), target);
    dialog->typeBox()->setCurrentIndex(dialog->typeBox()->findData(QStringLiteral("bf16")));
    EXPECT_EQ(dialog->destinationEdit()->text(), target) << "a picked path stays when the type changes";

    QString exportedPath;
    QObject::connect(dialog, &ExportGgufDialog::exported, dialog,
                     [&](const QString&, const QString& path) { exportedPath = path; });
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    EXPECT_TRUE(dialog->isRunning());
    EXPECT_FALSE(dialog->typeBox()->isEnabled());
    EXPECT_EQ(m_context.jobs()->cancellableCount(), 1) << "a quit asks while it runs";
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog->isRunning(); }, 60000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0)
        << m_prompts.texts(QStringLiteral("error")).join(' ').toStdString();
    EXPECT_EQ(exportedPath, target);
    EXPECT_EQ(m_context.jobs()->count(), 0);
    EXPECT_TRUE(dialog->statusLabel()->text().contains(target)) << dialog->statusLabel()->text().toStdString();

    // llama.cpp's format, bf16 as chosen, and the card (and README) record it with its hash.
    const auto reader = gguf::GgufReader::open(target.toStdString());
    EXPECT_EQ(reader.metadata().find("general.file_type")->asUInt32(), 32u);
    const nlohmann::json record = card()["gguf_exports"].at(0);
    EXPECT_EQ(record["type"], "bf16");
    EXPECT_EQ(record["path"], target.toStdString());
    EXPECT_EQ(record["sha256"], Sha256::ofFile(target.toStdString()));
    EXPECT_TRUE(dialog->statusLabel()->text().contains(QString::fromStdString(record["sha256"].get<std::string>())));
    EXPECT_EQ(outEntries(), std::vector<std::string>{"chosen.gguf"});

    // Exporting again to the same file asks before replacing it; declined, nothing changes.
    m_prompts.queueConfirm(false);
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    EXPECT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
    EXPECT_FALSE(dialog->isRunning());
    EXPECT_TRUE(dialog->statusLabel()->text().contains(QStringLiteral("already exists")));
    EXPECT_EQ(card()["gguf_exports"].size(), 1u);
}

TEST_F(ExportGgufDialogTest, CloseWhileRunning_CancelsAndLeavesNothing)
{
    SavedModelsPage page(m_context);
    QPointer<ExportGgufDialog> dialog = openFromPage(page);
    ASSERT_FALSE(dialog.isNull());
    const QString target = m_out.filePath(QStringLiteral("cancelled.gguf"));
    dialog->destinationEdit()->setText(target);
    // Close in the same turn of the event loop as the start: the worker sees the cancel at its first check.
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    ASSERT_TRUE(dialog->isRunning());
    dialog->reject();
    EXPECT_TRUE(dialog->isVisible()) << "stays until the staging file is gone";
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isNull() || !dialog->isVisible(); }, 60000));
    EXPECT_TRUE(outEntries().empty()) << "neither the file nor a staging file";
    EXPECT_FALSE(card().contains("gguf_exports"));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    EXPECT_EQ(m_context.jobs()->count(), 0);
}

TEST_F(ExportGgufDialogTest, BadDestination_IsExplainedAndNothingStarts)
{
    SavedModelsPage page(m_context);
    ExportGgufDialog* dialog = openFromPage(page);
    ASSERT_NE(dialog, nullptr);
    dialog->destinationEdit()->setText(m_out.filePath(QStringLiteral("no-such-folder/model.gguf")));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    EXPECT_FALSE(dialog->isRunning());
    EXPECT_TRUE(dialog->statusLabel()->text().contains(QStringLiteral("does not exist")));
    dialog->destinationEdit()->setText(QStringLiteral("relative.gguf"));
    QTest::mouseClick(dialog->exportButton(), Qt::LeftButton);
    EXPECT_FALSE(dialog->isRunning());
    EXPECT_TRUE(dialog->statusLabel()->text().contains(QStringLiteral("full path")));
    EXPECT_EQ(m_context.jobs()->count(), 0);
    EXPECT_TRUE(outEntries().empty());
}
