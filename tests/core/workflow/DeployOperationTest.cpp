#include "deepext/workflow/DeployOperation.h"

#include "DeployTestWorkspace.h"
#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveOperation.h"
#include "deepext/workflow/SavedModelOperations.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

using namespace deepext;

namespace {

class DeployOperationTest : public test::DeployTestWorkspace
{
protected:
    void SetUp() override
    {
        DeployTestWorkspace::SetUp();
        m_options.url = m_server->url().toStdString();
    }

    DeployOptions m_options;
    QNetworkAccessManager m_network;
};

} // namespace

TEST_F(DeployOperationTest, Cancel_DuringCreate_RecordsCancelled)
{
    m_server->setHoldCreate(true);
    DeployOperation operation(*m_workspace, &m_network);
    bool done = false;
    bool ok = true;
    QObject::connect(&operation, &DeployOperation::finished, [&](bool success, const QString&, const QString&) {
        done = true;
        ok = success;
    });
    operation.start(m_saved, m_options);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_server->heldCreateCount() > 0 || done; }, 30000));
    // While it runs, the record says deploying and a delete of the model is refused.
    EXPECT_EQ(m_workspace->deployments().at(0).status, DeploymentStatus::Deploying);
    EXPECT_THROW(SavedModelOperations::remove(*m_workspace, m_saved), Error);
    operation.cancel();
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 10000));
    m_server->releaseHeldCreate();
    EXPECT_FALSE(ok);
    EXPECT_EQ(m_workspace->deployments().at(0).status, DeploymentStatus::Cancelled);
}

TEST_F(DeployOperationTest, Resolve_MergesUserSystemAndParametersOverTheTemplateFile)
{
    m_options.system = "Be brief.";
    m_options.parameters = {"temperature=0.2", "stop=</s>"};
    const auto resolved = DeployOperation::resolve(*m_workspace, m_saved, m_options);
    EXPECT_EQ(resolved.system, "Be brief.");
    EXPECT_EQ(resolved.parameters["temperature"], 0.2);
    EXPECT_EQ(resolved.parameters["stop"], nlohmann::json({"</s>"}));
    EXPECT_EQ(resolved.parameters["num_ctx"], 2048);
    EXPECT_NE(resolved.templateSource.find("demo-llama"), std::string::npos);
    EXPECT_EQ(resolved.architecture, "LlamaForCausalLM");
    EXPECT_EQ(resolved.ollamaName.substr(0, m_saved.size() + 3), m_saved + "_d_");
}

TEST_F(DeployOperationTest, DeployLockHeld_RefusedBeforeAnythingIsWrittenOrSent)
{
    const ResolvedDeployment resolved = DeployOperation::resolve(*m_workspace, m_saved, m_options);
    // Another holder of this deploy's lock (a deploy with the same UUID).
    OperationLock other(m_workspace->deployLockPath(resolved.deployUuid));
    ASSERT_TRUE(other.tryLock(0));
    m_server->clearRequests();
    DeployOperation operation(*m_workspace, &m_network);
    bool done = false;
    bool ok = true;
    QString message;
    QObject::connect(&operation, &DeployOperation::finished, [&](bool success, const QString& text, const QString&) {
        done = true;
        ok = success;
        message = text;
    });
    operation.start(resolved, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 10000));
    EXPECT_FALSE(ok);
    EXPECT_TRUE(message.contains(QStringLiteral("did not start: its deploy lock"))) << message.toStdString();
    EXPECT_TRUE(message.contains(QStringLiteral("is held by another process"))) << message.toStdString();
    EXPECT_TRUE(m_workspace->deployments().empty());
    EXPECT_TRUE(m_server->requests().empty());
    EXPECT_TRUE(other.isLocked()); // not taken over
}

TEST_F(DeployOperationTest, GgufDeploy_WritesTheFileOnceAndRecordsTheFormat)
{
    m_options.format = "gguf";
    m_options.quantization = "q8_0";
    const auto run = [&] {
        DeployOperation operation(*m_workspace, &m_network);
        QStringList phases;
        bool done = false;
        bool ok = false;
        QString message;
        QObject::connect(&operation, &DeployOperation::phaseChanged, [&](const QString& p) { phases << p; });
        QObject::connect(&operation, &DeployOperation::finished,
                         [&](bool success, const QString& text, const QString&) {
                             done = true;
                             ok = success;
                             message = text;
                         });
        operation.start(m_saved, m_options);
        EXPECT_TRUE(QTest::qWaitFor([&] { return done; }, 60000));
        EXPECT_TRUE(ok) << message.toStdString();
        EXPECT_TRUE(phases.contains(QStringLiteral("writing the GGUF file"))) << phases.join(u',').toStdString();
        return operation.record();
    };
    const DeploymentRecord first = run();
    EXPECT_EQ(first.format, "gguf");
    EXPECT_EQ(first.status, DeploymentStatus::Deployed);
    const std::string gguf = m_workspace->savedModelPath(m_saved) + "/gguf/model-bf16.gguf";
    ASSERT_TRUE(std::filesystem::is_regular_file(gguf));
    const auto written = std::filesystem::last_write_time(gguf);
    const ModelCard card = ModelCard::load(m_workspace->savedModelPath(m_saved));
    EXPECT_TRUE(std::any_of(card.files.begin(), card.files.end(),
                            [](const ManifestEntry& e) { return e.path == "gguf/model-bf16.gguf"; }));
    std::atomic_bool cancel{false};
    EXPECT_TRUE(SavedModelOperations::verify(*m_workspace, m_saved, {}, cancel).unexpected.empty());

    EXPECT_EQ(run().format, "gguf");
    EXPECT_EQ(std::filesystem::last_write_time(gguf), written);
}

TEST_F(DeployOperationTest, GgufDeploy_CancelWhileWritingLeavesNothingAndRecordsCancelled)
{
    m_options.format = "gguf";
    DeployOperation operation(*m_workspace, &m_network);
    bool done = false;
    bool ok = true;
    QObject::connect(&operation, &DeployOperation::phaseChanged, [&](const QString& phase) {
        if (phase == QStringLiteral("writing the GGUF file")) {
            operation.cancel();
        }
    });
    QObject::connect(&operation, &DeployOperation::finished, [&](bool success, const QString&, const QString&) {
        done = true;
        ok = success;
    });
    operation.start(m_saved, m_options);
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 30000));
    EXPECT_FALSE(ok);
    EXPECT_EQ(m_workspace->deployments().at(0).status, DeploymentStatus::Cancelled);
    EXPECT_EQ(m_workspace->deployments().at(0).format, "gguf");
    QTest::qWait(200); // an export already started would finish or stop by now
    const std::string dir = m_workspace->savedModelPath(m_saved) + "/gguf";
    EXPECT_FALSE(std::filesystem::exists(dir) && !std::filesystem::is_empty(dir));
    for (const auto& request : m_server->requests()) {
        EXPECT_FALSE(request.path.startsWith(QStringLiteral("/api/blobs/"))) << request.path.toStdString();
    }
}
