// EvaluationRun against the stand-in Ollama over loopback: every prompt against every deployment in order, the
// result lines and summary `eval` keeps, per-deployment numbers, a failed call, and a cancel mid-run. The prompt
// file reader's errors name file and line.
#include "deepext/workflow/EvaluationRun.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/EvaluationPrompts.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <sstream>

using namespace deepext;

namespace {

class EvaluationRunTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        for (const char* name : {"alpha", "beta"}) {
            ASSERT_TRUE(m_server.addModel(QString::fromLatin1(name) + QStringLiteral(":latest")));
            DeploymentRecord record;
            record.uuid = std::string("22222222-2222-4222-8222-00000000000") + (name[0] == 'a' ? "1" : "2");
            record.ollamaName = name;
            record.savedModel = std::string("saved-") + name;
            record.environment = "fake";
            record.url = m_server.url().toStdString();
            record.quantization = "q8_0";
            record.status = DeploymentStatus::Deployed;
            record.startedAt = "2025-01-02T03:04:05Z";
            record.endedAt = "2025-01-02T03:05:05Z";
            m_workspace.upsertDeployment(record);
            m_targets.push_back(DeployedModel::find(m_workspace, name));
        }
    }

    static std::vector<EvaluationPrompt> prompts()
    {
        return EvaluationPrompts::parse("{\"prompt\": \"one\", \"expected\": \"You said: one\"}\n"
                                        "{\"prompt\": \"two\", \"system\": \"Be brief.\"}\n"
                                        "{\"prompt\": \"three\", \"expected\": \"nowhere\"}\n",
                                        "prompts.jsonl");
    }

    static bool finish(EvaluationRun& run)
    {
        return QTest::qWaitFor([&] { return run.isFinished(); }, 30000);
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    QNetworkAccessManager m_network;
    std::vector<DeployedModel> m_targets;
};

} // namespace

TEST_F(EvaluationRunTest, EveryPromptAgainstEveryDeploymentInOrder)
{
    m_server.setRunOn(QStringLiteral("beta"));
    EvaluationRun run(&m_network, m_targets, prompts(), 20);
    std::vector<std::pair<int, int>> order;
    QObject::connect(&run, &EvaluationRun::resultReady, &run,
                     [&](const EvaluationResult& result) { order.emplace_back(result.deployment, result.prompt); });
    QSignalSpy progress(&run, &EvaluationRun::progress);
    QSignalSpy finished(&run, &EvaluationRun::finished);
    run.start();
    EXPECT_TRUE(run.isRunning());
    ASSERT_TRUE(finish(run));
    ASSERT_EQ(finished.size(), 1);
    EXPECT_FALSE(finished[0][0].toBool());
    EXPECT_FALSE(run.wasCancelled());
    EXPECT_EQ(order, (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}}));
    ASSERT_EQ(progress.size(), 7); // 0 of 6, then one a reply
    EXPECT_EQ(progress.last()[0].toInt(), 6);
    EXPECT_EQ(progress.last()[1].toInt(), 6);

    ASSERT_EQ(run.results().size(), 6U);
    const EvaluationResult& first = run.results()[0];
    EXPECT_EQ(first.reply.text, QStringLiteral("Hello from alpha. You said: one"));
    EXPECT_EQ(first.containsExpected, std::optional<bool>(true));
    EXPECT_EQ(run.results()[1].containsExpected, std::nullopt);
    EXPECT_TRUE(run.results()[1].reply.text.contains(QStringLiteral("(Be brief.)")));
    EXPECT_EQ(run.results()[2].containsExpected, std::optional<bool>(false));
    EXPECT_EQ(run.results()[3].reply.doneReason, QStringLiteral("length"));
    EXPECT_EQ(run.results()[3].reply.metrics.evalCount, 20);

    // The result lines: the fields `eval` has always written.
    std::istringstream lines(run.resultLines());
    std::vector<nlohmann::json> parsed;
    for (std::string text; std::getline(lines, text);) {
        parsed.push_back(nlohmann::json::parse(text));
    }
    ASSERT_EQ(parsed.size(), 6U);
    EXPECT_EQ(parsed[0], nlohmann::json::parse(R"({"deployment":"alpha","prompt_index":0,
        "reply":"Hello from alpha. You said: one","done_reason":"stop","tokens":6,"tokens_per_second":100.0,
        "contains_expected":true})"));
    EXPECT_EQ(parsed[4]["deployment"], "beta");
    EXPECT_EQ(parsed[4]["prompt_index"], 1);
    EXPECT_EQ(parsed[4]["done_reason"], "length");
    EXPECT_FALSE(parsed[4].contains("contains_expected"));

    // Temperature 0, the fixed seed and the limit on every request.
    const auto requests = m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat"));
    ASSERT_EQ(requests.size(), 6);
    for (const auto& request : requests) {
        EXPECT_EQ((*request.json)["options"],
                  nlohmann::json::parse(R"({"num_predict":20,"temperature":0.0,"seed":42})"));
    }

    const EvaluationStats alpha = run.stats(0);
    EXPECT_EQ(alpha.replies, 3);
    EXPECT_EQ(alpha.stoppedByItself, 3);
    EXPECT_EQ(alpha.expectedTotal, 2);
    EXPECT_EQ(alpha.expectedMatches, 1);
    const EvaluationStats beta = run.stats(1);
    EXPECT_EQ(beta.stoppedByItself, 0);
    EXPECT_EQ(beta.medianTokensPerSecond, 100.0);

    const nlohmann::json summary = run.summary();
    EXPECT_EQ(summary["deployments"], nlohmann::json({"alpha", "beta"}));
    EXPECT_EQ(summary["prompts"], 3);
    EXPECT_EQ(summary["replies"], 6);
    EXPECT_EQ(summary["failed"], 0);
    EXPECT_EQ(summary["stopped_by_itself"], 3);
    EXPECT_EQ(summary["expected_total"], 4);
    EXPECT_EQ(summary["expected_matches"], 2);
    EXPECT_EQ(summary["median_tokens_per_second"], 100.0);
    EXPECT_EQ(summary["max_tokens"], 20);
    EXPECT_FALSE(summary["when"].get<std::string>().empty());
    EXPECT_EQ(run.savedModels(), (std::vector<std::string>{"saved-alpha", "saved-beta"}));
}

TEST_F(EvaluationRunTest, AServerModelBesideADeploymentIsNamedAndKeptInNoCard)
{
    ASSERT_TRUE(m_server.addModel(QStringLiteral("base:latest")));
    const DeployedModel base = DeployedModel::onServer(m_server.url().toStdString(), "", "fake", "base");
    EXPECT_TRUE(base.isServerModel());
    EXPECT_FALSE(m_targets[0].isServerModel());
    EvaluationRun run(&m_network, {m_targets[0], base}, prompts(), 20);
    run.start();
    ASSERT_TRUE(finish(run));
    ASSERT_EQ(run.results().size(), 6U);
    EXPECT_EQ(run.results()[3].reply.text, QStringLiteral("Hello from base. You said: one"));
    for (std::size_t i = 0; i < 6; ++i) {
        const nlohmann::json& line = run.results()[i].line;
        EXPECT_EQ(line["deployment"], i < 3 ? "alpha" : "base");
        // Only the server's own model says where it came from; a deployment's line is as it always was.
        EXPECT_EQ(line.contains("source"), i >= 3) << line.dump();
    }
    EXPECT_EQ(run.results()[3].line["source"], "server");
    const nlohmann::json summary = run.summary();
    EXPECT_EQ(summary["deployments"], nlohmann::json({"alpha", "base"}));
    EXPECT_EQ(summary["server_models"], nlohmann::json({"base"}));
    EXPECT_EQ(summary["replies"], 6);
    // The card of the deployment's saved model keeps it; the server model has none.
    EXPECT_EQ(run.savedModels(), std::vector<std::string>{"saved-alpha"});

    // Two deployments of ours: no server_models in the summary.
    EvaluationRun ours(&m_network, m_targets, prompts(), 20);
    EXPECT_FALSE(ours.summary().contains("server_models"));
}

TEST_F(EvaluationRunTest, AServerModelAloneIsKeptInNoCard)
{
    ASSERT_TRUE(m_server.addModel(QStringLiteral("base:latest")));
    EvaluationRun run(&m_network, {DeployedModel::onServer(m_server.url().toStdString(), "", "", "base")}, prompts(),
                      20);
    run.start();
    ASSERT_TRUE(finish(run));
    EXPECT_EQ(run.stats().failed, 0);
    EXPECT_EQ(run.results().size(), 3U);
    EXPECT_TRUE(run.savedModels().empty());
}

TEST_F(EvaluationRunTest, AFailedCallIsALineWithItsError)
{
    m_server.setChatErrorAfterPieces(0, QStringLiteral("model requires more system memory"));
    EvaluationRun run(&m_network, {m_targets[0]}, prompts(), 20);
    run.start();
    ASSERT_TRUE(finish(run));
    ASSERT_EQ(run.results().size(), 3U);
    const nlohmann::json& line = run.results()[0].line;
    EXPECT_TRUE(line["done_reason"].is_null());
    EXPECT_NE(line["error"].get<std::string>().find("model requires more system memory"), std::string::npos)
        << line.dump();
    EXPECT_FALSE(line.contains("tokens"));
    EXPECT_EQ(run.stats().failed, 3);
    EXPECT_EQ(run.summary()["failed"], 3);
    EXPECT_EQ(run.summary()["stopped_by_itself"], 0);
}

TEST_F(EvaluationRunTest, CancelMidRunEndsAtOnceAndKeepsOnlyWholeReplies)
{
    m_server.setTokenDelay(std::chrono::milliseconds(40));
    EvaluationRun run(&m_network, m_targets, prompts(), 20);
    QSignalSpy finished(&run, &EvaluationRun::finished);
    QSignalSpy results(&run, &EvaluationRun::resultReady);
    run.start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return results.size() == 1; }, 30000));
    // The second reply is under way.
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size() == 2; }, 10000));
    run.cancel();
    ASSERT_EQ(finished.size(), 1); // synchronously
    EXPECT_TRUE(finished[0][0].toBool());
    EXPECT_TRUE(run.wasCancelled());
    EXPECT_TRUE(run.isFinished());
    QTest::qWait(400);
    EXPECT_EQ(finished.size(), 1);
    EXPECT_EQ(run.results().size(), 1U);
    EXPECT_EQ(m_server.requests(QStringLiteral("POST"), QStringLiteral("/api/chat")).size(), 2);
    run.cancel(); // a second cancel is nothing
    EXPECT_EQ(finished.size(), 1);
}

TEST(EvaluationPromptsTest, ErrorsNameFileAndLine)
{
    const auto message = [](const std::string& text) {
        try {
            EvaluationPrompts::parse(text, "p.jsonl");
        } catch (const Error& error) {
            return error.message();
        }
        return std::string("no error");
    };
    EXPECT_EQ(message("{\"prompt\": \"one\"}\n{\"prompt\": 3}\n"), "p.jsonl:2: \"prompt\" must be a string");
    EXPECT_EQ(message("\n\nnot json\n").rfind("p.jsonl:3: not a JSON object", 0), 0U);
    EXPECT_EQ(message("[1]\n").rfind("p.jsonl:1: not a JSON object", 0), 0U);
    EXPECT_EQ(message("{\"prompt\": \"a\", \"answer\": \"b\"}"),
              "p.jsonl:1: unknown field \"answer\" (known: prompt, system, expected)");
    EXPECT_EQ(message("{\"system\": \"s\"}"), "p.jsonl:1: \"prompt\" is missing or empty");
    EXPECT_EQ(message("{\"prompt\": \"\"}"), "p.jsonl:1: \"prompt\" is missing or empty");
    EXPECT_EQ(message(" \n\r\n"), "the prompt file p.jsonl holds no prompts");

    const auto prompts = EvaluationPrompts::parse("{\"prompt\": \"a\"}\r\n\n{\"prompt\": \"b\", \"system\": \"s\", "
                                                  "\"expected\": \"e\"}",
                                                  "p.jsonl");
    ASSERT_EQ(prompts.size(), 2U);
    EXPECT_EQ(prompts[0].prompt, "a");
    EXPECT_EQ(prompts[0].expected, std::nullopt);
    EXPECT_EQ(prompts[1].system, "s");
    EXPECT_EQ(prompts[1].expected, std::optional<std::string>("e"));
}

TEST(EvaluationPromptsTest, ReadNamesAFileThatIsNotThere)
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("missing.jsonl")).toStdString();
    try {
        EvaluationPrompts::read(path);
        FAIL() << "no error";
    } catch (const Error& error) {
        EXPECT_EQ(error.message(), "cannot read the prompt file " + path);
    }
}
