#include "gui/DeployDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "deepext/merge/MergeTypes.h"
#include "deepext/workflow/ModelRegistration.h"
#include "deepext/workflow/SaveOperation.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"
#include "gui/JobTracker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

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

    // Clicks Deploy and waits until the dialog is no longer deploying (or asking).
    bool clickDeployAndWait(DeployDialog& dialog, bool* ok = nullptr)
    {
        bool finished = false;
        const auto connection = QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&](bool result) {
            finished = true;
            if (ok) {
                *ok = result;
            }
        });
        QTest::mouseClick(child<QPushButton>(dialog, "deployButton"), Qt::LeftButton);
        const bool ended =
            QTest::qWaitFor([&] { return finished || (!dialog.isDeploying() && !dialog.isChecking()); }, 60000);
        QObject::disconnect(connection);
        return ended;
    }

    int blobOrCreateRequests() const
    {
        int count = 0;
        for (const auto& request : m_server.requests()) {
            count +=
                request.path.startsWith(QLatin1String("/api/blobs/")) || request.path == QLatin1String("/api/create")
                    ? 1
                    : 0;
        }
        return count;
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
    test::prepareDeployDialog(dialog);
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
    test::prepareDeployDialog(dialog);
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
    test::prepareDeployDialog(dialog);
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
    // A model saved while its base had no Deployment Template File has no snapshot either.
    m_workspace.setBaseTemplate("demo-llama", "", "");
    const QString saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    DeployDialog dialog(m_context, saved);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isResolved(); }, 10000));
    auto* autodetect = child<QCheckBox>(dialog, "autodetectTemplateCheckBox");
    EXPECT_TRUE(autodetect->isVisible());
    EXPECT_TRUE(child<QLabel>(dialog, "noTemplateLabel")->isVisible());
    EXPECT_FALSE(child<QPushButton>(dialog, "deployButton")->isEnabled());
    QTest::mouseClick(autodetect, Qt::LeftButton, {}, QPoint(5, autodetect->height() / 2));
    EXPECT_TRUE(QTest::qWaitFor([&] { return child<QPushButton>(dialog, "deployButton")->isEnabled(); }, 10000))
        << child<QLabel>(dialog, "noTemplateLabel")->text().toStdString() << " | "
        << child<QLineEdit>(dialog, "ollamaNameLineEdit")->text().toStdString() << " | "
        << child<QLabel>(dialog, "nameErrorLabel")->text().toStdString();
    EXPECT_TRUE(child<QPlainTextEdit>(dialog, "templatePlainTextEdit")->toPlainText().isEmpty());
}

TEST_F(DeployDialogTest, Format_GgufChoiceDeploysTheSavedModelsGgufFile)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
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

TEST_F(DeployDialogTest, Name_DeployComesOnTheMomentATypedNameIsValid)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    auto* nameEdit = child<QLineEdit>(dialog, "ollamaNameLineEdit");
    auto* deploy = child<QPushButton>(dialog, "deployButton");
    auto* reason = child<QLabel>(dialog, "nameErrorLabel");
    nameEdit->selectAll();
    QTest::keyClick(nameEdit, Qt::Key_Backspace);
    EXPECT_FALSE(deploy->isEnabled());
    EXPECT_TRUE(reason->text().contains(QStringLiteral("empty"))) << reason->text().toStdString();
    QTest::keyClicks(nameEdit, QString(81, QLatin1Char('x')));
    EXPECT_FALSE(deploy->isEnabled());
    EXPECT_TRUE(reason->text().contains(QStringLiteral("at most 80"))) << reason->text().toStdString();
    QTest::keyClick(nameEdit, Qt::Key_Backspace); // 80: valid, enabled at once (no round trip needed)
    EXPECT_TRUE(reason->text().isEmpty()) << reason->text().toStdString();
    EXPECT_TRUE(deploy->isEnabled());
    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("my-model:"));
    EXPECT_TRUE(reason->text().contains(QStringLiteral("not valid"))) << reason->text().toStdString();
    EXPECT_FALSE(deploy->isEnabled());
    QTest::keyClicks(nameEdit, QStringLiteral("v1"));
    EXPECT_TRUE(reason->text().isEmpty()) << reason->text().toStdString();
    EXPECT_TRUE(deploy->isEnabled());
}

// Issue 12: these names gave an 87-character default that the dialog could not deploy.
TEST_F(DeployDialogTest, LongNames_TheGeneratedDefaultFitsAndDeploys)
{
    const std::string demo = m_workspace.root() + "/demo";
    ModelRegistration registration(m_workspace);
    registration.addBaseModel(demo + "/base", "qwen2.5-7b-instruct-base01", "Qwen (demo weights)",
                              demo + "/Modelfile.template");
    const auto trained =
        registration.addTrainedModel(demo + "/adapter", "qwen2.5-7b-instruct-base01", "customer-support-v2-final");
    const std::atomic_bool cancel{false};
    const QString saved = QString::fromStdString(
        SaveOperation::save(m_workspace, trained.name, OutputDtype::Auto, 2, {}, cancel).savedName);

    DeployDialog dialog(m_context, saved);
    test::prepareDeployDialog(dialog);
    const QString name = child<QLineEdit>(dialog, "ollamaNameLineEdit")->text();
    EXPECT_EQ(name.size(), 80) << name.toStdString();
    // no_quantization leaves 48 of the trained name: its first 24, "--", its last 24.
    EXPECT_TRUE(name.startsWith(QStringLiteral("qwen2.5-7b-instruct-base--t-v2-final_"))) << name.toStdString();
    EXPECT_TRUE(name.endsWith(QStringLiteral("_no_quantization"))) << name.toStdString();
    EXPECT_TRUE(child<QLabel>(dialog, "nameErrorLabel")->text().isEmpty());
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(m_server.model(name).has_value());
}

TEST_F(DeployDialogTest, ExistingName_AsksBeforeReplacing)
{
    ASSERT_TRUE(m_server.addModel(QStringLiteral("support-bot")));
    m_server.clearRequests();
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    auto* nameEdit = child<QLineEdit>(dialog, "ollamaNameLineEdit");
    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("Support-Bot"));
    ASSERT_TRUE(child<QPushButton>(dialog, "deployButton")->isEnabled());

    // Declined: nothing is written, nothing uploaded, and the dialog says why.
    m_prompts.queueConfirm(false);
    ASSERT_TRUE(clickDeployAndWait(dialog));
    ASSERT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("confirm")).front().contains(QStringLiteral("Support-Bot:latest")));
    EXPECT_TRUE(m_workspace.deployments().empty());
    EXPECT_EQ(blobOrCreateRequests(), 0);
    EXPECT_TRUE(child<QLabel>(dialog, "phaseLabel")->text().contains(QStringLiteral("already exists")));
    EXPECT_TRUE(child<QPushButton>(dialog, "deployButton")->isEnabled());

    // Accepted: the model is replaced and the record says so.
    m_prompts.queueConfirm(true);
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(m_prompts.count(QStringLiteral("confirm")), 2);
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Deployed);
    EXPECT_TRUE(records[0].replacedExisting);
    EXPECT_GT(blobOrCreateRequests(), 0);
}

TEST_F(DeployDialogTest, FreshTypedName_DeploysWithoutAsking)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    auto* nameEdit = child<QLineEdit>(dialog, "ollamaNameLineEdit");
    nameEdit->selectAll();
    QTest::keyClicks(nameEdit, QStringLiteral("brand-new"));
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(m_prompts.count(QStringLiteral("confirm")), 0);
    ASSERT_EQ(m_workspace.deployments().size(), 1u);
    EXPECT_FALSE(m_workspace.deployments()[0].replacedExisting);
}

TEST_F(DeployDialogTest, ServerStatus_SaysAtOnceWhetherTheServerAnswersAndItsVersion)
{
    DeployDialog dialog(m_context, m_saved);
    dialog.show();
    auto* status = child<QLabel>(dialog, "serverStatusLabel");
    ASSERT_TRUE(QTest::qWaitFor([&] { return status->text().contains(m_server.version()); }, 10000))
        << status->text().toStdString();
    EXPECT_TRUE(status->text().contains(QStringLiteral("running"))) << status->text().toStdString();
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("error")).isEmpty());
}

TEST_F(DeployDialogTest, ServerStatus_SaysWhenTheServerDoesNotAnswer)
{
    m_server.close(); // nothing listens at the environment's URL any more
    DeployDialog dialog(m_context, m_saved);
    dialog.show();
    auto* status = child<QLabel>(dialog, "serverStatusLabel");
    ASSERT_TRUE(QTest::qWaitFor([&] { return status->text().contains(QStringLiteral("does not answer")); }, 20000))
        << status->text().toStdString();
    EXPECT_TRUE(status->text().contains(QStringLiteral("127.0.0.1"))) << status->text().toStdString();
}

TEST_F(DeployDialogTest, Preview_ShowsTheWholeModelfileThatWillBeSent)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    auto* preview = child<QPlainTextEdit>(dialog, "templatePlainTextEdit");
    const QString text = preview->toPlainText();
    EXPECT_TRUE(text.startsWith(QStringLiteral("TEMPLATE \"\"\""))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("SYSTEM \"\"\"You are a helpful assistant.\"\"\""))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("PARAMETER stop <|eot_id|>"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("PARAMETER stop <|end_of_text|>"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("PARAMETER temperature 0.7"))) << text.toStdString();

    // A typed system prompt replaces the template file's in what will be sent.
    QTest::keyClicks(child<QPlainTextEdit>(dialog, "systemPlainTextEdit"), QStringLiteral("Answer briefly."));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return preview->toPlainText().contains(QStringLiteral("SYSTEM \"\"\"Answer briefly.\"\"\"")); }, 10000))
        << preview->toPlainText().toStdString();
    EXPECT_FALSE(preview->toPlainText().contains(QStringLiteral("helpful assistant")));
}

TEST_F(DeployDialogTest, Template_BaseChangedSinceTheSave_OffersTheBasesCurrentOne)
{
    {
        DeployDialog unchanged(m_context, m_saved);
        test::prepareDeployDialog(unchanged);
        EXPECT_FALSE(child<QCheckBox>(unchanged, "useBaseTemplateCheckBox")->isVisible())
            << "the base's template is the snapshot's: nothing to offer";
    }
    m_workspace.setBaseTemplate("demo-llama", "TEMPLATE \"\"\"{{ .Prompt }} (edited after the save)\"\"\"\n",
                                "/elsewhere/edited.Modelfile");
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    auto* useBase = child<QCheckBox>(dialog, "useBaseTemplateCheckBox");
    auto* preview = child<QPlainTextEdit>(dialog, "templatePlainTextEdit");
    ASSERT_TRUE(useBase->isVisible());
    EXPECT_FALSE(useBase->isChecked()) << "the snapshot is the default";
    EXPECT_FALSE(preview->toPlainText().contains(QStringLiteral("edited after the save")));
    EXPECT_TRUE(child<QLabel>(dialog, "templateSourceLabel")->text().contains(QStringLiteral("snapshot")));

    QTest::mouseClick(useBase, Qt::LeftButton, {}, QPoint(5, useBase->height() / 2));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return preview->toPlainText().contains(QStringLiteral("edited after the save")); }, 10000))
        << preview->toPlainText().toStdString();
    EXPECT_TRUE(child<QLabel>(dialog, "templateSourceLabel")->text().contains(QStringLiteral("edited.Modelfile")));
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    const auto create = m_server.lastCreateRequest();
    ASSERT_TRUE(create.has_value());
    EXPECT_NE(create->value("template", std::string()).find("edited after the save"), std::string::npos)
        << create->dump();
}

TEST_F(DeployDialogTest, Check_OnByDefault_RecordsOkAndSaysSo)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    ASSERT_TRUE(child<QCheckBox>(dialog, "checkAfterDeployCheckBox")->isChecked());
    QString outcome;
    QObject::connect(&dialog, &DeployDialog::checkFinished, &dialog, [&](const QString& result) { outcome = result; });
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(outcome, QStringLiteral("ok"));
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Deployed);
    EXPECT_EQ(records[0].check, "ok");
    EXPECT_TRUE(child<QLabel>(dialog, "phaseLabel")->text().contains(QStringLiteral("stopped by itself")));
    int chats = 0;
    for (const auto& request : m_server.requests()) {
        chats += request.path == QLatin1String("/api/chat") ? 1 : 0;
    }
    EXPECT_EQ(chats, 1);
    EXPECT_EQ(m_context.jobs()->count(), 0);
}

TEST_F(DeployDialogTest, Check_AModelThatRunsOn_WarnsAndTheDeployStands)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    m_server.setRunOn(QString()); // every model: the fine-tune's template does not match what it emits
    QString outcome;
    QObject::connect(&dialog, &DeployDialog::checkFinished, &dialog, [&](const QString& result) { outcome = result; });
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    EXPECT_TRUE(ok) << "a failing check never fails the deploy";
    EXPECT_EQ(outcome, QStringLiteral("did_not_stop"));
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Deployed);
    EXPECT_EQ(records[0].check, "did_not_stop");
    EXPECT_NE(records[0].checkMessage.find("did not stop by itself"), std::string::npos) << records[0].checkMessage;
    EXPECT_TRUE(child<QPlainTextEdit>(dialog, "detailsPlainTextEdit")
                    ->toPlainText()
                    .contains(QStringLiteral("Deployment Template File")));
    EXPECT_TRUE(child<QLabel>(dialog, "phaseLabel")->text().contains(QStringLiteral("did_not_stop")));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(DeployDialogTest, Check_SkipStopsItAndRecordsNothing)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    m_server.setRunOn(QString());
    m_server.setTokenDelay(std::chrono::milliseconds(200)); // 64 pieces: long enough to skip
    QString outcome;
    QObject::connect(&dialog, &DeployDialog::checkFinished, &dialog, [&](const QString& result) { outcome = result; });
    QObject::connect(&dialog, &DeployDialog::deployed, &dialog, [&] {
        QTimer::singleShot(300, &dialog, [&] {
            EXPECT_TRUE(dialog.isChecking());
            auto* skip = child<QPushButton>(dialog, "cancelButton");
            EXPECT_EQ(skip->text(), QStringLiteral("Skip Check"));
            QTest::mouseClick(skip, Qt::LeftButton);
        });
    });
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    EXPECT_TRUE(ok);
    EXPECT_EQ(outcome, QStringLiteral("skipped"));
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].status, DeploymentStatus::Deployed);
    EXPECT_EQ(records[0].check, "");
}

TEST_F(DeployDialogTest, Check_Unticked_NoChatIsSent)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    child<QCheckBox>(dialog, "checkAfterDeployCheckBox")->setChecked(false);
    bool ok = false;
    ASSERT_TRUE(clickDeployAndWait(dialog, &ok));
    EXPECT_TRUE(ok);
    for (const auto& request : m_server.requests()) {
        EXPECT_NE(request.path, QStringLiteral("/api/chat"));
    }
    EXPECT_EQ(m_workspace.deployments().at(0).check, "");
}
