#include "gui/DeployDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace deepext;
using namespace deepext::gui;

namespace {

class DeployDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        m_workspace.addEnvironment({"fake", m_server.url().toStdString(), ""}, true);
        m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    }

    template <typename T>
    static T* child(const QWidget& parent, const char* name)
    {
        T* found = parent.findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }

    // Waits for the preview and picks no_quantization (the demo is bf16, which not every Ollama quantizes).
    void prepare(DeployDialog& dialog)
    {
        dialog.show();
        ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isResolved(); }, 10000));
        auto* quantization = child<QComboBox>(dialog, "quantizationComboBox");
        quantization->setCurrentIndex(quantization->findData(QStringLiteral("no_quantization")));
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                return child<QLineEdit>(dialog, "ollamaNameLineEdit")
                           ->text()
                           .endsWith(QStringLiteral("no_quantization")) &&
                       child<QPushButton>(dialog, "deployButton")->isEnabled();
            },
            10000));
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    QString m_saved;
};

} // namespace

TEST_F(DeployDialogTest, Deploy_AgainstStandInOllamaProducesADeployedRecord)
{
    DeployDialog dialog(m_context, m_saved);
    prepare(dialog);
    DeployedModelsPage deployedPage(m_context);
    deployedPage.show();
    const QString name = child<QLineEdit>(dialog, "ollamaNameLineEdit")->text();
    EXPECT_TRUE(name.startsWith(m_saved + QStringLiteral("_d_")));
    EXPECT_FALSE(child<QPlainTextEdit>(dialog, "templatePlainTextEdit")->toPlainText().isEmpty());

    bool finished = false;
    bool ok = false;
    QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&](bool result) {
        finished = true;
        ok = result;
    });
    QTest::mouseClick(child<QPushButton>(dialog, "deployButton"), Qt::LeftButton);
    EXPECT_TRUE(dialog.isDeploying());
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 60000));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();

    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Deployed);
    EXPECT_EQ(QString::fromStdString(records[0].ollamaName), name);
    EXPECT_EQ(records[0].savedModel, m_saved.toStdString());
    // The previewed name is the name used, and its 4 hex digits are the record's UUID.
    EXPECT_TRUE(
        name.startsWith(m_saved + QStringLiteral("_d_") + QString::fromStdString(records[0].uuid.substr(0, 4))));
    EXPECT_TRUE(m_server.model(name).has_value());
    EXPECT_FALSE(child<QPlainTextEdit>(dialog, "statusLinesPlainTextEdit")->toPlainText().isEmpty());
    // The record appears on the Deployed Models page.
    EXPECT_TRUE(QTest::qWaitFor([&] { return deployedPage.recordCount() == 1; }, 5000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(DeployDialogTest, Deploy_ServerErrorReachesPromptsWithTheServersText)
{
    m_server.setCreateErrorAfterLines(0, QStringLiteral("model architecture unsupported by this server"), 400);
    DeployDialog dialog(m_context, m_saved);
    prepare(dialog);
    bool finished = false;
    QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&] { finished = true; });
    QTest::mouseClick(child<QPushButton>(dialog, "deployButton"), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 60000));
    ASSERT_EQ(m_prompts.count(QStringLiteral("error")), 1);
    const auto& messages = m_prompts.messages();
    const auto error = std::find_if(messages.begin(), messages.end(), [](const auto& m) { return m.kind == "error"; });
    EXPECT_TRUE((error->text + error->details).contains(QStringLiteral("model architecture unsupported")));
    EXPECT_TRUE(
        child<QPlainTextEdit>(dialog, "detailsPlainTextEdit")->toPlainText().contains(QStringLiteral("unsupported")) ||
        child<QLabel>(dialog, "phaseLabel")->text().contains(QStringLiteral("unsupported")));
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Failed);
}

TEST_F(DeployDialogTest, Name_ValidatedAsTyped)
{
    DeployDialog dialog(m_context, m_saved);
    prepare(dialog);
    auto* nameEdit = child<QLineEdit>(dialog, "ollamaNameLineEdit");
    nameEdit->clear();
    QTest::keyClicks(nameEdit, QStringLiteral("bad name with spaces"));
    EXPECT_FALSE(child<QLabel>(dialog, "nameErrorLabel")->text().isEmpty());
    EXPECT_FALSE(child<QPushButton>(dialog, "deployButton")->isEnabled());
    nameEdit->clear();
    QTest::keyClicks(nameEdit, QStringLiteral("my-model:v1"));
    EXPECT_TRUE(child<QLabel>(dialog, "nameErrorLabel")->text().isEmpty());
    EXPECT_TRUE(child<QPushButton>(dialog, "deployButton")->isEnabled());
}

TEST_F(DeployDialogTest, Template_MissingIsExplainedAndAutodetectUnlocksDeploy)
{
    m_workspace.setBaseTemplate("demo-llama", "", "");
    DeployDialog dialog(m_context, m_saved);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isResolved(); }, 10000));
    auto* autodetect = child<QCheckBox>(dialog, "autodetectTemplateCheckBox");
    EXPECT_TRUE(autodetect->isVisible());
    EXPECT_TRUE(child<QLabel>(dialog, "noTemplateLabel")->isVisible());
    EXPECT_FALSE(child<QPushButton>(dialog, "deployButton")->isEnabled());
    QTest::mouseClick(autodetect, Qt::LeftButton, {}, QPoint(5, autodetect->height() / 2));
    EXPECT_TRUE(QTest::qWaitFor([&] { return child<QPushButton>(dialog, "deployButton")->isEnabled(); }, 10000));
    EXPECT_TRUE(child<QPlainTextEdit>(dialog, "templatePlainTextEdit")->toPlainText().isEmpty());
}

TEST_F(DeployDialogTest, Format_GgufChoiceDeploysTheSavedModelsGgufFile)
{
    DeployDialog dialog(m_context, m_saved);
    prepare(dialog);
    auto* format = child<QComboBox>(dialog, "formatComboBox");
    ASSERT_EQ(format->currentData().toString(), QStringLiteral("auto"));
    format->setCurrentIndex(format->findData(QStringLiteral("gguf")));
    bool finished = false;
    bool ok = false;
    QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&](bool result) {
        finished = true;
        ok = result;
    });
    QTest::mouseClick(child<QPushButton>(dialog, "deployButton"), Qt::LeftButton);
    EXPECT_FALSE(format->isEnabled()) << "the choice is locked while the deploy runs";
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 60000));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    const auto create = m_server.lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_TRUE((*create)["files"].contains("model.gguf")) << create->dump();
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].format, "gguf");
    EXPECT_TRUE(child<QPlainTextEdit>(dialog, "statusLinesPlainTextEdit")
                    ->toPlainText()
                    .contains(QStringLiteral("parsing GGUF")));
}
