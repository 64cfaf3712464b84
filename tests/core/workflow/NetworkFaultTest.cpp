// A deploy against a server that fails in each way a network fails (the stand-in of docs/ollama-notes.md, real HTTP on
// loopback): every one ends with a message naming the server and what to do, and a "failed" record that says the
// same, and a later deploy to a working server succeeds.
#include "CannedServer.h"
#include "DeployTestWorkspace.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/DeployOperation.h"
#include "deepext/workflow/SaveOperation.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <functional>
#include <ostream>

using namespace deepext;
using deepext::test::CannedServer;

namespace {

struct Fault
{
    const char* name;
    std::function<void(fake::FakeOllamaServer&)> apply;
    std::vector<std::string> messageHas; // besides the server's URL
    bool uploadsNothing = false;
};

// Test names and failure messages show the fault's name, not its bytes.
void PrintTo(const Fault& fault, std::ostream* out)
{
    *out << fault.name;
}

class NetworkFaultTest : public test::DeployTestWorkspace, public ::testing::WithParamInterface<Fault>
{
protected:
    struct Ended
    {
        bool ok = false;
        std::string message;
    };

    Ended deploy(const std::string& url)
    {
        DeployOptions options;
        options.url = url;
        DeployOperation operation(*m_workspace, &m_network);
        ollama::OllamaTimeouts timeouts;
        timeouts.request = std::chrono::seconds(2);
        timeouts.uploadStall = std::chrono::seconds(1);
        operation.setTimeouts(timeouts);
        bool done = false;
        Ended ended;
        QObject::connect(&operation, &DeployOperation::finished, [&](bool ok, const QString& message, const QString&) {
            done = true;
            ended = {ok, message.toStdString()};
        });
        operation.start(m_saved, options);
        EXPECT_TRUE(QTest::qWaitFor([&] { return done; }, 60000));
        return ended;
    }

    QNetworkAccessManager m_network;
};

TEST_P(NetworkFaultTest, FailsWithAClearMessageAndAFailedRecord)
{
    const Fault& fault = GetParam();
    fault.apply(*m_server);
    const std::string url = m_server->url().toStdString();
    const Ended ended = deploy(url);
    EXPECT_FALSE(ended.ok);
    RecordProperty("message", ended.message);
    EXPECT_NE(ended.message.find(url), std::string::npos) << ended.message;
    for (const std::string& part : fault.messageHas) {
        EXPECT_NE(ended.message.find(part), std::string::npos) << "\"" << part << "\" in: " << ended.message;
    }
    const std::vector<DeploymentRecord> records = m_workspace->deployments();
    ASSERT_EQ(records.size(), 1U);
    EXPECT_EQ(records[0].status, DeploymentStatus::Failed);
    EXPECT_EQ(records[0].message, ended.message);
    EXPECT_EQ(records[0].url, url);
    EXPECT_FALSE(m_server->lastCreateRequest().has_value() && fault.uploadsNothing);
    if (fault.uploadsNothing) {
        EXPECT_TRUE(m_server->uploadedDigests().isEmpty());
    }

    // The server recovers: the same deploy succeeds and gets its own record.
    m_server->clearFaults();
    m_server->releaseStalledUploads();
    m_server->setRefuseConnections(false);
    const Ended again = deploy(url);
    EXPECT_TRUE(again.ok) << again.message;
    ASSERT_EQ(m_workspace->deployments().size(), 2U);
    EXPECT_EQ(m_workspace->deployments()[1].status, DeploymentStatus::Deployed);
}

INSTANTIATE_TEST_SUITE_P(
    EachFault, NetworkFaultTest,
    ::testing::Values(Fault{"ConnectionRefused",
                            [](fake::FakeOllamaServer& s) { s.setRefuseConnections(true); },
                            {"connection refused", "Is Ollama running"},
                            true},
                      Fault{"ResetMidUpload",
                            [](fake::FakeOllamaServer& s) { s.setDropUploadAfter(20000); },
                            {"Uploading model.safetensors failed", "was closed during POST /api/blobs/"}},
                      Fault{"StallMidUpload",
                            [](fake::FakeOllamaServer& s) { s.setStallUploadAfter(20000); },
                            {"Uploading model.safetensors failed", "stalled: no progress for 1 s"}},
                      Fault{"TruncatedCreateStream",
                            [](fake::FakeOllamaServer& s) { s.setTruncateCreateAfterLines(1); },
                            {"the model may not have been created"}},
                      Fault{"TruncatedCreateStreamEndedCleanly",
                            [](fake::FakeOllamaServer& s) { s.setTruncateCreateAfterLines(1, true); },
                            {"the model may not have been created"}},
                      Fault{"HtmlPageWith200",
                            [](fake::FakeOllamaServer& s) { s.setHtmlResponses(true); },
                            {"does not look like Ollama", "HTML page"},
                            true}),
    [](const ::testing::TestParamInfo<Fault>& param) { return std::string(param.param.name); });

TEST_F(NetworkFaultTest, HostCheck403_ExplainsHowToConnectAndRecordsFailed)
{
    CannedServer forbidden("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    const std::string url = forbidden.url().toString().toStdString();
    const Ended ended = deploy(url);
    EXPECT_FALSE(ended.ok);
    EXPECT_NE(ended.message.find(url), std::string::npos) << ended.message;
    EXPECT_NE(ended.message.find("403 Forbidden"), std::string::npos) << ended.message;
    EXPECT_NE(ended.message.find("OLLAMA_HOST"), std::string::npos) << ended.message;
    ASSERT_EQ(m_workspace->deployments().size(), 1U);
    EXPECT_EQ(m_workspace->deployments()[0].status, DeploymentStatus::Failed);
    EXPECT_EQ(m_workspace->deployments()[0].message, ended.message);
}

} // namespace
