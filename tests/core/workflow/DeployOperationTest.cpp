#include "deepext/workflow/DeployOperation.h"

#include "DeployTestWorkspace.h"
#include "deepext/base/Error.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveOperation.h"
#include "deepext/workflow/SavedModelOperations.h"
#include "fakeollama/FakeOllamaServer.h"

#include <QNetworkAccessManager>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

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
