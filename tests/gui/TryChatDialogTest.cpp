// Try… on the Deployed Models page: the real dialog offscreen, talking over loopback to the stand-in Ollama server
// (tools/fakeollama), which records every request, so what each turn sent is checked on the wire.
#include "gui/TryChatDialog.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaCall.h"
#include "deepext/ollama/OllamaClient.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"

#include <QDoubleSpinBox>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QUrl>

#include <gtest/gtest.h>

#include <algorithm>

using namespace deepext;
using namespace deepext::gui;
using nlohmann::json;

namespace {

const QString Model = QStringLiteral("tiny_s_0001_d_beef_q8_0");

class TryChatDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        m_workspace.addEnvironment({"fake", m_server.url().toStdString(), ""}, true);
        m_record = test::addDeploymentRecord(m_workspace, "tiny_s_0001", Model.toStdString());
        m_record.url = m_server.url().toStdString();
        m_record.environment = "fake";
        m_workspace.upsertDeployment(m_record);
        ASSERT_TRUE(m_server.addModel(Model + QStringLiteral(":latest")));
    }

    template <typename T>
    static T* child(const QWidget& parent, const char* name)
    {
        T* found = parent.findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }

    static void openAndWait(TryChatDialog& dialog)
    {
        dialog.show();
        ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isReady(); }, 10000));
    }

    // Types the prompt and clicks Send, as a user would.
    static void say(TryChatDialog& dialog, const QString& prompt)
    {
        child<QPlainTextEdit>(dialog, "promptPlainTextEdit")->setPlainText(prompt);
        QPushButton* send = child<QPushButton>(dialog, "sendButton");
        ASSERT_TRUE(send->isEnabled());
        QTest::mouseClick(send, Qt::LeftButton);
        ASSERT_TRUE(dialog.isStreaming());
    }

    static bool waitForReply(TryChatDialog& dialog, int timeoutMs = 10000)
    {
        return QTest::qWaitFor([&] { return !dialog.isStreaming(); }, timeoutMs);
    }

    QList<json> chatBodies() const
    {
        QList<json> bodies;
        for (const auto& request : m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"))) {
            bodies.append(request.json.value_or(json()));
        }
        return bodies;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    DeploymentRecord m_record;
};

TEST_F(TryChatDialogTest, TryChat_ReplyStreamsPieceByPieceAndEndsWithStopAndTokensPerSecond)
{
    m_server.setLoadDelay(std::chrono::milliseconds(400));
    m_server.setTokenDelay(std::chrono::milliseconds(30));
    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    EXPECT_FALSE(dialog.isModal());
    auto* stop = child<QPushButton>(dialog, "stopButton");
    auto* send = child<QPushButton>(dialog, "sendButton");
    auto* status = child<QLabel>(dialog, "statusLabel");
    auto* transcript = child<QTextBrowser>(dialog, "transcriptTextBrowser");
    EXPECT_FALSE(stop->isEnabled());
    EXPECT_TRUE(transcript->isReadOnly());

    QStringList snapshots;
    QObject::connect(transcript, &QTextBrowser::textChanged, &dialog,
                     [&] { snapshots.append(transcript->toPlainText()); });
    // A prompt long enough that its echo streams for about a second: time for several writes even on a loaded
    // machine.
    const QString prompt = QStringLiteral("please tell me in a few words what a low rank adapter is and why merging it "
                                          "into the base model before deploying it to a server is worth the trouble");
    say(dialog, prompt);
    EXPECT_TRUE(stop->isEnabled());
    EXPECT_FALSE(send->isEnabled());
    // The model is loading (the stand-in's first request to it pays the load delay): nothing has arrived yet.
    ASSERT_TRUE(QTest::qWaitFor([&] { return status->text() == QStringLiteral("Loading the model…"); }, 5000));
    const qsizetype beforeReply = snapshots.size();
    ASSERT_TRUE(waitForReply(dialog));

    const QString expected = QStringLiteral("Hello from %1. You said: %2").arg(Model, prompt);
    const QString text = dialog.transcriptText();
    EXPECT_TRUE(text.contains(QStringLiteral("You\n%1\n%2\n%3").arg(prompt, Model, expected))) << text.toStdString();
    // The reply grew while it streamed (pieces are written a few times a second, one piece every 30 ms here), not
    // in one go at the end.
    const qsizetype words = expected.split(QLatin1Char(' ')).size();
    const qsizetype partial =
        std::count_if(snapshots.begin() + beforeReply, snapshots.end(), [&](const QString& snapshot) {
            return snapshot.contains(QStringLiteral("Hello")) && !snapshot.contains(expected);
        });
    EXPECT_GE(partial, 3) << snapshots.join(QLatin1Char('|')).toStdString();
    const QRegularExpression numbers(QStringLiteral("(\\d+) tokens, (\\d+\\.\\d) tokens/s, done reason: stop"));
    const QRegularExpressionMatch match = numbers.match(text);
    ASSERT_TRUE(match.hasMatch()) << text.toStdString();
    EXPECT_EQ(match.captured(1).toInt(), words);
    EXPECT_GT(match.captured(2).toDouble(), 0.0);
    EXPECT_FALSE(text.contains(QStringLiteral("limit"))) << text.toStdString();
    EXPECT_FALSE(stop->isEnabled());
    EXPECT_TRUE(send->isEnabled());
    EXPECT_TRUE(child<QPlainTextEdit>(dialog, "promptPlainTextEdit")->toPlainText().isEmpty());

    // On the wire: one streamed chat with the CLI's defaults (512 tokens, the model's own temperature).
    const QList<json> bodies = chatBodies();
    ASSERT_EQ(bodies.size(), 1);
    EXPECT_EQ(bodies[0]["model"], Model.toStdString());
    EXPECT_EQ(bodies[0]["stream"], true);
    EXPECT_EQ(bodies[0]["options"]["num_predict"], 512);
    EXPECT_FALSE(bodies[0]["options"].contains("temperature"));
    EXPECT_EQ(bodies[0]["messages"], json::array({{{"role", "user"}, {"content", prompt.toStdString()}}}));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(TryChatDialogTest, TryChat_SecondTurnSendsTheConversationWithTheSystemPromptAndTemperature)
{
    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    child<QPlainTextEdit>(dialog, "systemPromptPlainTextEdit")->setPlainText(QStringLiteral("Be brief."));
    child<QDoubleSpinBox>(dialog, "temperatureDoubleSpinBox")->setValue(0.3);
    child<QSpinBox>(dialog, "maxTokensSpinBox")->setValue(64);
    say(dialog, QStringLiteral("first question"));
    ASSERT_TRUE(waitForReply(dialog));
    say(dialog, QStringLiteral("second question"));
    ASSERT_TRUE(waitForReply(dialog));

    const QList<json> bodies = chatBodies();
    ASSERT_EQ(bodies.size(), 2);
    const std::string firstReply =
        QStringLiteral("Hello from %1. (Be brief.) You said: first question").arg(Model).toStdString();
    const json expected = {{{"role", "system"}, {"content", "Be brief."}},
                           {{"role", "user"}, {"content", "first question"}},
                           {{"role", "assistant"}, {"content", firstReply}},
                           {{"role", "user"}, {"content", "second question"}}};
    EXPECT_EQ(bodies[1]["messages"], expected) << bodies[1].dump(2);
    EXPECT_DOUBLE_EQ(bodies[1]["options"]["temperature"].get<double>(), 0.3);
    EXPECT_EQ(bodies[1]["options"]["num_predict"], 64);
    ASSERT_EQ(dialog.messages().size(), 4);
    EXPECT_TRUE(dialog.transcriptText().contains(QStringLiteral("You said: second question")));

    // New Conversation forgets it: the next turn goes alone.
    QTest::mouseClick(child<QPushButton>(dialog, "newConversationButton"), Qt::LeftButton);
    EXPECT_TRUE(dialog.messages().isEmpty());
    EXPECT_TRUE(dialog.transcriptText().isEmpty());
    // From the keyboard this time: Ctrl+Enter in the prompt box sends, a plain Enter is a new line.
    auto* prompt = child<QPlainTextEdit>(dialog, "promptPlainTextEdit");
    prompt->setFocus();
    QTest::keyClicks(prompt, QStringLiteral("again"));
    QTest::keyClick(prompt, Qt::Key_Return);
    EXPECT_FALSE(dialog.isStreaming());
    EXPECT_EQ(prompt->toPlainText(), QStringLiteral("again\n"));
    QTest::keyClick(prompt, Qt::Key_Return, Qt::ControlModifier);
    ASSERT_TRUE(dialog.isStreaming());
    ASSERT_TRUE(waitForReply(dialog));
    const json third = chatBodies().value(2);
    ASSERT_EQ(third["messages"].size(), 2u);
    EXPECT_EQ(third["messages"][1]["content"], "again\n");
}

TEST_F(TryChatDialogTest, TryChat_ReplyAtTheLimitSaysSo)
{
    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    child<QSpinBox>(dialog, "maxTokensSpinBox")->setValue(3);
    say(dialog, QStringLiteral("tell me everything"));
    ASSERT_TRUE(waitForReply(dialog));
    const QString text = dialog.transcriptText();
    EXPECT_TRUE(text.contains(QStringLiteral("Hello from %1.\n").arg(Model))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("3 tokens, ")));
    EXPECT_TRUE(text.contains(QStringLiteral("done reason: length")));
    EXPECT_TRUE(text.contains(QStringLiteral("hit the limit of 3 tokens before the model stopped by itself")))
        << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("the model may never stop")));
}

TEST_F(TryChatDialogTest, TryChat_StopMidStreamKeepsThePartialReplyAndSendWorksAgain)
{
    m_server.setRunOn(Model);
    m_server.setTokenDelay(std::chrono::milliseconds(20));
    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    child<QSpinBox>(dialog, "maxTokensSpinBox")->setValue(100000);
    QSignalSpy finished(&dialog, &TryChatDialog::replyFinished);
    say(dialog, QStringLiteral("go on"));
    // Past its answer and running on.
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return dialog.transcriptText().count(QStringLiteral("And so on.")) >= 2; }, 10000));
    ASSERT_TRUE(dialog.isStreaming());
    auto* stop = child<QPushButton>(dialog, "stopButton");
    ASSERT_TRUE(stop->isEnabled());
    QTest::mouseClick(stop, Qt::LeftButton);

    EXPECT_FALSE(dialog.isStreaming());
    ASSERT_EQ(finished.size(), 1);
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    const QString text = dialog.transcriptText();
    EXPECT_TRUE(text.contains(QStringLiteral("Hello from %1. You said: go on And so on.").arg(Model)))
        << text.toStdString();
    EXPECT_TRUE(text.endsWith(QStringLiteral("Stopped: the reply above is incomplete."))) << text.toStdString();
    EXPECT_EQ(child<QLabel>(dialog, "statusLabel")->text(), QStringLiteral("Stopped"));
    EXPECT_FALSE(stop->isEnabled());
    EXPECT_TRUE(child<QPushButton>(dialog, "sendButton")->isEnabled());
    // The connection is dropped: nothing more arrives, and the stand-in sees the reply aborted.
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto chats = m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
            return chats.size() == 1 && chats[0].aborted;
        },
        5000));
    QTest::qWait(200);
    EXPECT_EQ(dialog.transcriptText(), text);
    // What the user saw stays in the conversation.
    ASSERT_EQ(dialog.messages().size(), 2);
    EXPECT_EQ(dialog.messages()[1].role, QStringLiteral("assistant"));
    EXPECT_TRUE(dialog.messages()[1].content.startsWith(QStringLiteral("Hello from %1.").arg(Model)));
    EXPECT_TRUE(text.contains(dialog.messages()[1].content));

    // The next turn works and carries the stopped one.
    m_server.setRunOn(Model, false);
    say(dialog, QStringLiteral("shorter please"));
    ASSERT_TRUE(waitForReply(dialog));
    EXPECT_TRUE(dialog.transcriptText().contains(QStringLiteral("done reason: stop")));
    const json second = chatBodies().value(1);
    ASSERT_EQ(second["messages"].size(), 3u);
    EXPECT_EQ(second["messages"][1]["content"], dialog.messages()[1].content.toStdString());
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(TryChatDialogTest, TryChat_ModelDeletedFromTheServerShowsTheServersErrorVerbatim)
{
    // Removed behind our back (ollama rm): the record still says deployed.
    QNetworkAccessManager network;
    ollama::OllamaClient client(&network, QUrl(m_server.url()));
    ollama::OllamaCall* removal = client.deleteModel(Model);
    QSignalSpy removed(removal, &ollama::OllamaCall::finished);
    ASSERT_TRUE(removed.wait(5000));
    ASSERT_TRUE(m_server.modelNames().isEmpty());

    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    say(dialog, QStringLiteral("are you there"));
    ASSERT_TRUE(waitForReply(dialog));
    const QString text = dialog.transcriptText();
    EXPECT_TRUE(text.contains(QStringLiteral("model '%1' not found").arg(Model))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("may have been removed from the server")));
    EXPECT_TRUE(text.contains(QStringLiteral("Refresh")));
    EXPECT_EQ(child<QLabel>(dialog, "statusLabel")->text(), QStringLiteral("Failed"));
    // In the transcript, not in a message box; the failed turn is not part of the conversation.
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    EXPECT_TRUE(dialog.messages().isEmpty());
    EXPECT_TRUE(child<QPushButton>(dialog, "sendButton")->isEnabled());
    EXPECT_FALSE(child<QPushButton>(dialog, "stopButton")->isEnabled());
}

TEST_F(TryChatDialogTest, TryChat_ARecordNoLongerDeployedCannotBeTried)
{
    DeploymentRecord gone = m_record;
    gone.status = DeploymentStatus::Removed;
    m_workspace.upsertDeployment(gone);
    TryChatDialog dialog(m_context, m_record); // the page's copy, from before the removal
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog.transcriptText().isEmpty(); }, 10000));
    const QString text = dialog.transcriptText();
    EXPECT_TRUE(text.startsWith(QStringLiteral("This deployment cannot be tried: %1 is not deployed").arg(Model)))
        << text.toStdString();
    EXPECT_FALSE(dialog.isReady());
    EXPECT_FALSE(child<QPushButton>(dialog, "sendButton")->isEnabled());
    EXPECT_TRUE(chatBodies().isEmpty());
}

TEST_F(TryChatDialogTest, TryChat_ClosingWhileStreamingCancelsTheReply)
{
    m_server.setRunOn(Model);
    m_server.setTokenDelay(std::chrono::milliseconds(20));
    TryChatDialog dialog(m_context, m_record);
    openAndWait(dialog);
    say(dialog, QStringLiteral("keep talking"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.transcriptText().contains(QStringLiteral("And so on.")); }, 10000));
    dialog.close();
    EXPECT_FALSE(dialog.isVisible());
    EXPECT_FALSE(dialog.isStreaming());
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto chats = m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
            return chats.size() == 1 && chats[0].aborted;
        },
        5000));
}

TEST_F(TryChatDialogTest, TryChat_TryButtonNeedsADeployedSelectionAndOpensANonModalDialog)
{
    DeploymentRecord removed = test::addDeploymentRecord(m_workspace, "tiny_s_0001", "tiny_s_0001_d_dead_q8_0");
    removed.status = DeploymentStatus::Removed;
    removed.startedAt = "2024-01-01T00:00:00Z";
    m_workspace.upsertDeployment(removed);
    m_server.setRunOn(Model);
    m_server.setTokenDelay(std::chrono::milliseconds(20));

    DeployedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 2; }, 5000));
    auto* tryButton = child<QPushButton>(page, "tryButton");
    EXPECT_FALSE(tryButton->isEnabled()); // nothing selected
    page.selectOllamaName(QString::fromStdString(removed.ollamaName));
    ASSERT_EQ(page.currentOllamaName(), QString::fromStdString(removed.ollamaName));
    EXPECT_FALSE(tryButton->isEnabled());
    page.selectOllamaName(Model);
    ASSERT_EQ(page.currentOllamaName(), Model);
    EXPECT_TRUE(tryButton->isEnabled());

    QTest::mouseClick(tryButton, Qt::LeftButton);
    QPointer<TryChatDialog> dialog = page.findChild<TryChatDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_FALSE(dialog->isModal());
    EXPECT_EQ(dialog->ollamaName(), Model);
    EXPECT_TRUE(dialog->windowTitle().contains(Model));
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog->isReady(); }, 10000));
    // The page stays usable beside it.
    EXPECT_TRUE(page.isEnabled());

    // Closed mid-reply, it goes away (delete on close) and the reply ends.
    say(*dialog, QStringLiteral("hello"));
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return dialog->transcriptText().contains(QStringLiteral("And so on.")); }, 10000));
    dialog->close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.isNull(); }, 5000));
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto chats = m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
            return chats.size() == 1 && chats[0].aborted;
        },
        5000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

} // namespace
