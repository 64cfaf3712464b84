// The Evaluate dialog on the stand-in Ollama, offscreen: two deployments x five prompts side by side, the summary
// kept in the saved model's card with the result file beside it, a cancel that keeps nothing, a bad prompt file
// named with its line, and the Deployed Models page's button that opens it. Add from Server… lists the server's own
// models (ours marked), and the base taken from there runs beside a deployment; a server that does not answer is said
// so.
#include "gui/EvaluateDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"
#include "gui/ServerModelsDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace deepext;
using namespace deepext::gui;

namespace {

const QByteArray FivePrompts = "{\"prompt\": \"one\", \"expected\": \"You said: one\"}\n"
                               "{\"prompt\": \"two\", \"system\": \"Be brief.\"}\n"
                               "\n"
                               "{\"prompt\": \"three\", \"expected\": \"nowhere\"}\n"
                               "{\"prompt\": \"four\"}\n"
                               "{\"prompt\": \"five\"}\n";

class EvaluateDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        m_workspace.addEnvironment({"fake", m_server.url().toStdString(), ""}, true);
        m_saved = test::seedDemoAndSave(m_workspace);
        for (const char* name : {"alpha", "beta"}) {
            ASSERT_TRUE(m_server.addModel(QString::fromLatin1(name) + QStringLiteral(":latest")));
            DeploymentRecord record = test::addDeploymentRecord(m_workspace, m_saved, name);
            record.url = m_server.url().toStdString();
            record.environment = "fake";
            m_workspace.upsertDeployment(record);
        }
    }

    template <typename T>
    static T* child(const QWidget& parent, const char* name)
    {
        T* found = parent.findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }

    QString writePrompts(const QByteArray& text)
    {
        const QString path = m_dir.filePath(QStringLiteral("prompts.jsonl"));
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        return path;
    }

    // Shown, listed, with both deployments checked and the prompt file given.
    void prepare(EvaluateDialog& dialog, const QString& prompts)
    {
        dialog.show();
        ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isLoaded(); }, 10000));
        dialog.setDeploymentChecked(QStringLiteral("alpha"), true);
        dialog.setDeploymentChecked(QStringLiteral("beta"), true);
        dialog.setPromptFile(prompts);
        ASSERT_TRUE(child<QPushButton>(dialog, "runButton")->isEnabled());
    }

    // Clicks Run and waits until the run is over (kept, failed or cancelled).
    bool runAndWait(EvaluateDialog& dialog, bool* ok = nullptr)
    {
        bool finished = false;
        const auto connection = QObject::connect(&dialog, &EvaluateDialog::runFinished, &dialog, [&](bool result) {
            finished = true;
            if (ok) {
                *ok = result;
            }
        });
        QTest::mouseClick(child<QPushButton>(dialog, "runButton"), Qt::LeftButton);
        const bool ended = QTest::qWaitFor([&] { return finished; }, 60000);
        QObject::disconnect(connection);
        return ended && !dialog.isBusy();
    }

    std::string modelFolder() const { return m_workspace.savedModelsDir() + "/" + m_saved; }

    nlohmann::json card() const
    {
        std::ifstream file(modelFolder() + "/model_card.json");
        return nlohmann::json::parse(file);
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString() + "/ws")};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    std::string m_saved;
};

} // namespace

TEST_F(EvaluateDialogTest, TwoDeploymentsFivePromptsSideBySideAndKeptInTheCard)
{
    // beta runs on: its replies hit the limit and are marked.
    m_server.setRunOn(QStringLiteral("beta"));
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts(FivePrompts));
    child<QSpinBox>(dialog, "maxTokensSpinBox")->setValue(30);
    bool ok = false;
    ASSERT_TRUE(runAndWait(dialog, &ok));
    EXPECT_TRUE(ok) << child<QLabel>(dialog, "statusLabel")->text().toStdString();

    auto* table = child<QTableWidget>(dialog, "resultsTableWidget");
    ASSERT_EQ(table->rowCount(), 5);
    ASSERT_EQ(table->columnCount(), 3); // the prompt, then one column a deployment
    EXPECT_EQ(table->horizontalHeaderItem(1)->text(), QStringLiteral("alpha"));
    EXPECT_EQ(table->horizontalHeaderItem(2)->text(), QStringLiteral("beta"));
    EXPECT_EQ(table->horizontalHeaderItem(2)->toolTip(), QStringLiteral("beta"));
    const QStringList words{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three"),
                            QStringLiteral("four"), QStringLiteral("five")};
    for (int row = 0; row < 5; ++row) {
        EXPECT_EQ(table->item(row, 0)->text(), words[row]);
        const QTableWidgetItem* alpha = table->item(row, 1);
        const QTableWidgetItem* beta = table->item(row, 2);
        ASSERT_NE(alpha, nullptr) << row;
        ASSERT_NE(beta, nullptr) << row;
        EXPECT_TRUE(alpha->text().startsWith(QStringLiteral("Hello from alpha."))) << alpha->text().toStdString();
        EXPECT_TRUE(alpha->toolTip().contains(QStringLiteral("You said: ") + words[row]));
        EXPECT_TRUE(beta->text().startsWith(QStringLiteral("[did not stop"))) << beta->text().toStdString();
        EXPECT_TRUE(beta->toolTip().startsWith(QStringLiteral("Hello from beta.")));
        EXPECT_EQ(beta->data(Qt::UserRole).toString(), QStringLiteral("length"));
        EXPECT_EQ(alpha->data(Qt::UserRole).toString(), QStringLiteral("stop"));
    }
    auto* progress = child<QProgressBar>(dialog, "progressBar");
    EXPECT_EQ(progress->value(), 10);
    EXPECT_EQ(progress->maximum(), 10);
    EXPECT_EQ(progress->text(), QStringLiteral("10 of 10"));

    // The detail pane: the selected prompt and each deployment's full reply.
    table->setCurrentCell(1, 1);
    const QString detail = child<QPlainTextEdit>(dialog, "detailTextEdit")->toPlainText();
    EXPECT_TRUE(detail.contains(QStringLiteral("Prompt 2: two"))) << detail.toStdString();
    EXPECT_TRUE(detail.contains(QStringLiteral("System: Be brief.")));
    EXPECT_TRUE(detail.contains(QStringLiteral("Hello from alpha. (Be brief.) You said: two")));
    EXPECT_TRUE(detail.contains(QStringLiteral("Hello from beta. (Be brief.) You said: two")));
    EXPECT_TRUE(detail.contains(QStringLiteral("did not stop")));

    const QString summary = child<QLabel>(dialog, "summaryLabel")->text();
    EXPECT_TRUE(summary.contains(QStringLiteral("alpha: 5 of 5 stopped by themselves, 1 of 2 expected, median 100.0 "
                                                "tokens/s")))
        << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("beta: 0 of 5 stopped by themselves, 1 of 2 expected")))
        << summary.toStdString();

    // The card keeps the summary, the result file beside it holds the ten lines, and the dialog names it.
    const auto evaluations = card()["evaluations"];
    ASSERT_EQ(evaluations.size(), 1U);
    const auto& kept = evaluations[0];
    EXPECT_EQ(kept["deployments"], nlohmann::json({"alpha", "beta"}));
    EXPECT_EQ(kept["prompts"], 5);
    EXPECT_EQ(kept["replies"], 10);
    EXPECT_EQ(kept["stopped_by_itself"], 5);
    EXPECT_EQ(kept["expected_total"], 4);
    EXPECT_EQ(kept["expected_matches"], 2);
    EXPECT_EQ(kept["max_tokens"], 30);
    const std::string resultFile = modelFolder() + "/" + kept["results"].get<std::string>();
    ASSERT_EQ(dialog.keptResultFiles(), QStringList{QString::fromStdString(resultFile)});
    EXPECT_TRUE(child<QLabel>(dialog, "statusLabel")->text().contains(QString::fromStdString(resultFile)));
    std::ifstream in(resultFile);
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        const auto json = nlohmann::json::parse(line);
        EXPECT_EQ(json["deployment"], lines < 5 ? "alpha" : "beta");
        EXPECT_EQ(json["prompt_index"], lines % 5);
        EXPECT_EQ(json["done_reason"], lines < 5 ? "stop" : "length");
    }
    EXPECT_EQ(lines, 10);
    EXPECT_EQ(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size(), 10);
}

TEST_F(EvaluateDialogTest, CancelMidRunKeepsNothing)
{
    m_server.setTokenDelay(std::chrono::milliseconds(60));
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts(FivePrompts));
    bool finished = false;
    bool ok = true;
    QObject::connect(&dialog, &EvaluateDialog::runFinished, &dialog, [&](bool result) {
        finished = true;
        ok = result;
    });
    QTest::mouseClick(child<QPushButton>(dialog, "runButton"), Qt::LeftButton);
    auto* progress = child<QProgressBar>(dialog, "progressBar");
    ASSERT_TRUE(QTest::qWaitFor([&] { return progress->value() >= 1; }, 30000));
    auto* cancel = child<QPushButton>(dialog, "cancelRunButton");
    ASSERT_TRUE(cancel->isEnabled());
    QTest::mouseClick(cancel, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 10000));
    EXPECT_FALSE(ok);
    EXPECT_FALSE(dialog.isBusy());
    EXPECT_LT(progress->value(), 10);
    EXPECT_TRUE(child<QLabel>(dialog, "statusLabel")->text().contains(QStringLiteral("nothing was kept")));
    QTest::qWait(300); // nothing is written late either
    EXPECT_FALSE(card().contains("evaluations") && !card()["evaluations"].empty()) << card()["evaluations"].dump();
    EXPECT_FALSE(std::filesystem::exists(modelFolder() + "/evaluations"));
    EXPECT_TRUE(dialog.keptResultFiles().isEmpty());
    // Run is offered again.
    EXPECT_TRUE(child<QPushButton>(dialog, "runButton")->isEnabled());
}

TEST_F(EvaluateDialogTest, ABadPromptFileNamesFileAndLine)
{
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    const QString prompts = writePrompts("{\"prompt\": \"one\"}\n{\"prompt\": 3}\n");
    prepare(dialog, prompts);
    bool ok = true;
    ASSERT_TRUE(runAndWait(dialog, &ok));
    EXPECT_FALSE(ok);
    const QString status = child<QLabel>(dialog, "statusLabel")->text();
    EXPECT_TRUE(status.contains(prompts + QStringLiteral(":2: \"prompt\" must be a string"))) << status.toStdString();
    EXPECT_EQ(child<QTableWidget>(dialog, "resultsTableWidget")->rowCount(), 0);
    EXPECT_TRUE(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).isEmpty());
    EXPECT_FALSE(card().contains("evaluations") && !card()["evaluations"].empty());
}

TEST_F(EvaluateDialogTest, TheEvaluateButtonOpensTheDialogWithTheSelectedDeploymentChecked)
{
    DeployedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 2; }, 10000));
    page.selectOllamaName(QStringLiteral("beta"));
    ASSERT_EQ(page.currentOllamaName(), QStringLiteral("beta"));
    auto* button = child<QPushButton>(page, "evaluateButton");
    ASSERT_TRUE(button->isEnabled());
    EXPECT_EQ(button->text(), QStringLiteral("&Evaluate…"));
    QTest::mouseClick(button, Qt::LeftButton);
    auto* dialog = page.findChild<EvaluateDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(dialog->isVisible());
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog->isLoaded(); }, 10000));
    EXPECT_EQ(child<QListWidget>(*dialog, "deploymentsListWidget")->count(), 2);
    EXPECT_EQ(dialog->checkedDeployments(), QStringList{QStringLiteral("beta")});
    // No prompt file yet: nothing to run.
    EXPECT_FALSE(child<QPushButton>(*dialog, "runButton")->isEnabled());
    dialog->reject();
}

TEST_F(EvaluateDialogTest, FailedRepliesAreMarkedAndTheRunIsStillKept)
{
    m_server.setChatErrorAfterPieces(0, QStringLiteral("model requires more system memory"));
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts(FivePrompts));
    dialog.setDeploymentChecked(QStringLiteral("beta"), false);
    ASSERT_EQ(dialog.checkedDeployments(), QStringList{QStringLiteral("alpha")}); // one alone is allowed
    bool ok = false;
    ASSERT_TRUE(runAndWait(dialog, &ok));
    EXPECT_TRUE(ok);
    auto* table = child<QTableWidget>(dialog, "resultsTableWidget");
    ASSERT_EQ(table->columnCount(), 2);
    for (int row = 0; row < 5; ++row) {
        ASSERT_NE(table->item(row, 1), nullptr);
        EXPECT_TRUE(table->item(row, 1)->text().startsWith(QStringLiteral("[failed: ")))
            << table->item(row, 1)->text().toStdString();
        EXPECT_TRUE(table->item(row, 1)->text().contains(QStringLiteral("model requires more system memory")));
        EXPECT_EQ(table->item(row, 1)->data(Qt::UserRole).toString(), QStringLiteral("error"));
    }
    EXPECT_TRUE(child<QLabel>(dialog, "statusLabel")->text().contains(QStringLiteral("5 of 5 prompts failed")));
    EXPECT_TRUE(child<QLabel>(dialog, "summaryLabel")->text().contains(QStringLiteral("5 failed")));
    const auto evaluations = card()["evaluations"];
    ASSERT_EQ(evaluations.size(), 1U);
    EXPECT_EQ(evaluations[0]["failed"], 5);
    EXPECT_EQ(evaluations[0]["deployments"], nlohmann::json({"alpha"}));
}

TEST_F(EvaluateDialogTest, ClosingTheDialogMidRunCancelsAndKeepsNothing)
{
    m_server.setTokenDelay(std::chrono::milliseconds(60));
    {
        EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
        prepare(dialog, writePrompts(FivePrompts));
        bool finished = false;
        bool ok = true;
        QObject::connect(&dialog, &EvaluateDialog::runFinished, &dialog, [&](bool result) {
            finished = true;
            ok = result;
        });
        QTest::mouseClick(child<QPushButton>(dialog, "runButton"), Qt::LeftButton);
        ASSERT_TRUE(QTest::qWaitFor([&] { return child<QProgressBar>(dialog, "progressBar")->value() >= 1; }, 30000));
        // The second reply is under way when the dialog closes.
        ASSERT_TRUE(QTest::qWaitFor(
            [&] { return m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size() == 2; }, 10000));
        dialog.reject();
        EXPECT_TRUE(finished);
        EXPECT_FALSE(ok);
        EXPECT_FALSE(dialog.isVisible());
    }
    QTest::qWait(400); // no further request, nothing written late
    EXPECT_EQ(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size(), 2);
    EXPECT_FALSE(card().contains("evaluations") && !card()["evaluations"].empty());
    EXPECT_FALSE(std::filesystem::exists(modelFolder() + "/evaluations"));
}

TEST_F(EvaluateDialogTest, AddFromServerRunsTheServersBaseBesideADeployment)
{
    // The base as the user pulled it: the server has it, our records do not.
    ASSERT_TRUE(m_server.addModel(QStringLiteral("base:latest")));
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts(FivePrompts));
    dialog.setDeploymentChecked(QStringLiteral("beta"), false);
    ASSERT_EQ(dialog.checkedDeployments(), QStringList{QStringLiteral("alpha")});

    QTest::mouseClick(child<QPushButton>(dialog, "addFromServerButton"), Qt::LeftButton);
    auto* fromServer = dialog.findChild<ServerModelsDialog*>();
    ASSERT_NE(fromServer, nullptr);
    EXPECT_TRUE(fromServer->isVisible());
    ASSERT_TRUE(QTest::qWaitFor([&] { return fromServer->isListed(); }, 20000))
        << fromServer->errorText().toStdString();
    // The default environment's server, everything it has, our deployments marked.
    EXPECT_TRUE(child<QComboBox>(*fromServer, "environmentComboBox")->currentText().startsWith(QStringLiteral("fake")));
    QStringList listed = fromServer->listedModels();
    listed.sort();
    EXPECT_EQ(listed, (QStringList{QStringLiteral("alpha:latest"), QStringLiteral("base:latest"),
                                   QStringLiteral("beta:latest")}));
    EXPECT_TRUE(fromServer->isOurDeployment(QStringLiteral("beta:latest")));
    EXPECT_FALSE(fromServer->isOurDeployment(QStringLiteral("base:latest")));
    auto* models = child<QListWidget>(*fromServer, "modelsListWidget");
    const auto shown = models->findItems(QStringLiteral("beta:latest"), Qt::MatchStartsWith);
    ASSERT_EQ(shown.size(), 1);
    EXPECT_TRUE(shown[0]->text().contains(QStringLiteral("our deployment of ") + QString::fromStdString(m_saved)))
        << shown[0]->text().toStdString();
    auto* add = child<QDialogButtonBox>(*fromServer, "buttonBox")->button(QDialogButtonBox::Ok);
    EXPECT_FALSE(add->isEnabled()); // nothing checked yet
    fromServer->setModelChecked(QStringLiteral("base:latest"), true);
    fromServer->setModelChecked(QStringLiteral("beta:latest"), true); // ours: the listed deployment is checked
    ASSERT_TRUE(add->isEnabled());
    QTest::mouseClick(add, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.findChild<ServerModelsDialog*>() == nullptr; }, 5000));

    EXPECT_EQ(child<QListWidget>(dialog, "deploymentsListWidget")->count(), 3);
    EXPECT_EQ(dialog.checkedServerModels(), QStringList{QStringLiteral("base:latest")});
    EXPECT_EQ(dialog.checkedDeployments(),
              (QStringList{QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("base:latest")}));
    dialog.setDeploymentChecked(QStringLiteral("beta"), false);
    bool ok = false;
    ASSERT_TRUE(runAndWait(dialog, &ok));
    EXPECT_TRUE(ok) << child<QLabel>(dialog, "statusLabel")->text().toStdString();

    // Side by side: the deployment, then the server's base.
    auto* table = child<QTableWidget>(dialog, "resultsTableWidget");
    ASSERT_EQ(table->rowCount(), 5);
    ASSERT_EQ(table->columnCount(), 3);
    EXPECT_EQ(table->horizontalHeaderItem(1)->text(), QStringLiteral("alpha"));
    EXPECT_EQ(table->horizontalHeaderItem(2)->text(), QStringLiteral("base:latest (server)"));
    EXPECT_TRUE(table->horizontalHeaderItem(2)->toolTip().contains(m_server.url()));
    for (int row = 0; row < 5; ++row) {
        ASSERT_NE(table->item(row, 2), nullptr) << row;
        EXPECT_TRUE(table->item(row, 2)->text().startsWith(QStringLiteral("Hello from base.")))
            << table->item(row, 2)->text().toStdString();
    }
    EXPECT_TRUE(child<QLabel>(dialog, "summaryLabel")
                    ->text()
                    .contains(QStringLiteral("base:latest (server): 5 of 5 stopped by themselves")))
        << child<QLabel>(dialog, "summaryLabel")->text().toStdString();

    // The fine-tune's card names both and says which was the server's; the base's lines say so too.
    const auto evaluations = card()["evaluations"];
    ASSERT_EQ(evaluations.size(), 1U);
    EXPECT_EQ(evaluations[0]["deployments"], nlohmann::json({"alpha", "base:latest"}));
    EXPECT_EQ(evaluations[0]["server_models"], nlohmann::json({"base:latest"}));
    ASSERT_EQ(dialog.keptResultFiles().size(), 1);
    std::ifstream in(dialog.keptResultFiles()[0].toStdString());
    int lines = 0;
    for (std::string line; std::getline(in, line); ++lines) {
        const auto json = nlohmann::json::parse(line);
        EXPECT_EQ(json["deployment"], lines < 5 ? "alpha" : "base:latest");
        EXPECT_EQ(json.contains("source"), lines >= 5);
    }
    EXPECT_EQ(lines, 10);
    EXPECT_EQ(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size(), 10);
}

TEST_F(EvaluateDialogTest, AddFromServerSaysSoWhenTheServerDoesNotAnswer)
{
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts(FivePrompts));
    m_server.setRefuseConnections(true);
    ServerModelsDialog* fromServer = dialog.addFromServer();
    ASSERT_NE(fromServer, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fromServer->errorText().isEmpty(); }, 20000));
    EXPECT_FALSE(fromServer->isListed());
    const QString status = child<QLabel>(*fromServer, "statusLabel")->text();
    EXPECT_TRUE(status.startsWith(QStringLiteral("The server did not answer with its models: ")))
        << status.toStdString();
    EXPECT_TRUE(status.contains(m_server.url())) << status.toStdString();
    EXPECT_EQ(child<QListWidget>(*fromServer, "modelsListWidget")->count(), 0);
    EXPECT_FALSE(child<QDialogButtonBox>(*fromServer, "buttonBox")->button(QDialogButtonBox::Ok)->isEnabled());

    // Refresh asks again; once the server is back, its models are listed.
    m_server.setRefuseConnections(false);
    QTest::mouseClick(child<QPushButton>(*fromServer, "refreshButton"), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fromServer->isListed(); }, 20000))
        << fromServer->errorText().toStdString();
    EXPECT_EQ(fromServer->listedModels().size(), 2);
    fromServer->reject();
    EXPECT_EQ(child<QListWidget>(dialog, "deploymentsListWidget")->count(), 2);
    EXPECT_TRUE(dialog.checkedServerModels().isEmpty());
}

TEST_F(EvaluateDialogTest, AddFromServerListsTheChosenEnvironmentsServer)
{
    QTemporaryDir otherDir;
    fake::FakeOllamaServer other{otherDir.path()};
    ASSERT_TRUE(other.listen());
    ASSERT_TRUE(other.addModel(QStringLiteral("llama-base:8b")));
    m_workspace.addEnvironment({"second", other.url().toStdString(), ""}, false);
    EvaluateDialog dialog(m_context, QStringLiteral("alpha"));
    prepare(dialog, writePrompts("{\"prompt\": \"one\"}\n"));
    ServerModelsDialog* fromServer = dialog.addFromServer();
    ASSERT_NE(fromServer, nullptr);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fromServer->isListed(); }, 20000));
    fromServer->chooseEnvironment(QStringLiteral("second"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fromServer->isListed(); }, 20000))
        << fromServer->errorText().toStdString();
    EXPECT_EQ(fromServer->listedModels(), QStringList{QStringLiteral("llama-base:8b")});
    fromServer->setModelChecked(QStringLiteral("llama-base:8b"), true);
    fromServer->accept();
    dialog.setDeploymentChecked(QStringLiteral("beta"), false);
    bool ok = false;
    ASSERT_TRUE(runAndWait(dialog, &ok));
    EXPECT_TRUE(ok);
    // Each target on its own server.
    EXPECT_EQ(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size(), 1);
    const auto chats = other.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(chats.size(), 1);
    EXPECT_EQ((*chats[0].json)["model"], "llama-base:8b");
    EXPECT_TRUE(child<QTableWidget>(dialog, "resultsTableWidget")
                    ->item(0, 2)
                    ->text()
                    .startsWith(QStringLiteral("Hello from llama-base.")));
}
