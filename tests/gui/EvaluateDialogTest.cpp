// The Evaluate dialog on the stand-in Ollama, offscreen: two deployments x five prompts side by side, the summary
// kept in the saved model's card with the result file beside it, a cancel that keeps nothing, a bad prompt file
// named with its line, and the Deployed Models page's button that opens it.
#include "gui/EvaluateDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"

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
