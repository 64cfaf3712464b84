// The window while another process holds the workspace's registry lock (a CLI in the middle of a registry write,
// or one stuck there): deploying and refreshing must keep the event loop turning, and end with a clear outcome once
// the lock is released or the wait for it times out. The lock is held by a real second process
// (tests/tools/LockHolder.cpp).
#include "EventLoopWait.h"
#include "GuiFixtures.h"
#include "HandlerStallMeter.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployDialog.h"
#include "gui/DeployedModelsPage.h"

#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <iostream>

using namespace deepext;
using namespace deepext::gui;
using deepext::test_support::HandlerStallMeter;

namespace {

class RegistryLockTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        m_workspace.addEnvironment({"fake", m_server.url().toStdString(), ""}, true);
        m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
        // An earlier deploy on the same server, so Refresh has a record to update.
        ASSERT_TRUE(m_server.addModel(QStringLiteral("earlier:latest")));
        DeploymentRecord earlier = test::addDeploymentRecord(m_workspace, m_saved.toStdString(), "earlier");
        earlier.url = m_server.url().toStdString();
        earlier.environment = "fake";
        m_workspace.upsertDeployment(earlier);
    }

    void TearDown() override { release(); }

    // Another process takes registry.lock and keeps it until release().
    void holdRegistryLock()
    {
        m_holder.start(QStringLiteral(DEEPEXT_LOCK_HOLDER_PATH),
                       {QString::fromStdString(m_workspace.locksDir() + "/registry.lock")});
        ASSERT_TRUE(m_holder.waitForStarted(10000));
        ASSERT_TRUE(m_holder.waitForReadyRead(15000)) << m_holder.readAllStandardError().toStdString();
        ASSERT_EQ(m_holder.readLine().trimmed(), QByteArray("held"));
    }

    void release()
    {
        if (m_holder.state() != QProcess::NotRunning) {
            m_holder.write("\n");
            m_holder.closeWriteChannel();
            m_holder.waitForFinished(10000);
        }
    }

    // Refresh as the user asks for it: a click, so the meter sees the handler it starts in.
    static void clickRefresh(DeployedModelsPage& page)
    {
        auto* refresh = page.findChild<QPushButton*>(QStringLiteral("refreshButton"));
        ASSERT_TRUE(refresh->isEnabled());
        QTest::mouseClick(refresh, Qt::LeftButton);
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    QString m_saved;
    QProcess m_holder;
};

} // namespace

TEST_F(RegistryLockTest, HeldByAnotherProcess_DeployAndRefreshWaitOffTheGuiThreadThenComplete)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    DeployedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 1; }, 5000));
    bool deployDone = false;
    bool deployOk = false;
    QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&](bool ok) {
        deployDone = true;
        deployOk = ok;
    });
    bool refreshDone = false;
    bool refreshOk = false;
    QObject::connect(&page, &DeployedModelsPage::maintenanceFinished, &page, [&](bool ok) {
        refreshDone = true;
        refreshOk = ok;
    });

    holdRegistryLock();
    HandlerStallMeter meter;
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("deployButton")), Qt::LeftButton);
    clickRefresh(page);
    // Both now wait for registry.lock on worker threads; the window keeps answering for as long as it is held.
    deepext::test_support::waitFor([] { return false; }, 1500);
    EXPECT_TRUE(dialog.isDeploying());
    EXPECT_FALSE(deployDone);
    EXPECT_FALSE(refreshDone);
    EXPECT_EQ(m_workspace.deployments().size(), 1u); // the new record waits for the lock too
    EXPECT_TRUE(m_workspace.deployments()[0].refreshedAt.empty());

    release();
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return deployDone && refreshDone; }, 60000));
    EXPECT_TRUE(deployOk) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(refreshOk) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    std::cout << meter.summary() << '\n';
    EXPECT_LT(meter.longestMs(), 100) << "the window stood still for " << meter.longestMs() << " ms in "
                                      << meter.longestHandler().toStdString();

    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_FALSE(records[0].refreshedAt.empty());
    EXPECT_TRUE(records[0].presentOnServer);
    EXPECT_EQ(records[1].status, DeploymentStatus::Deployed);
    EXPECT_TRUE(m_server.model(QString::fromStdString(records[1].ollamaName)).has_value());
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(RegistryLockTest, NeverReleased_DeployAndRefreshFailWithAClearMessageAndTheWindowLives)
{
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    DeployedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 1; }, 5000));
    bool deployDone = false;
    bool deployOk = true;
    QObject::connect(&dialog, &DeployDialog::deployFinished, &dialog, [&](bool ok) {
        deployDone = true;
        deployOk = ok;
    });
    bool refreshDone = false;
    bool refreshOk = true;
    QObject::connect(&page, &DeployedModelsPage::maintenanceFinished, &page, [&](bool ok) {
        refreshDone = true;
        refreshOk = ok;
    });

    holdRegistryLock();
    HandlerStallMeter meter;
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("deployButton")), Qt::LeftButton);
    clickRefresh(page);
    // The registry lock's time-out is 30 s: both end then, as failures the user can act on.
    ASSERT_TRUE(deepext::test_support::waitFor([&] { return deployDone && refreshDone; }, 60000));
    std::cout << meter.summary() << '\n';
    EXPECT_LT(meter.longestMs(), 100) << "the window stood still for " << meter.longestMs() << " ms in "
                                      << meter.longestHandler().toStdString();
    EXPECT_FALSE(deployOk);
    EXPECT_FALSE(refreshOk);
    ASSERT_EQ(m_prompts.count(QStringLiteral("error")), 2);
    QString deployError;
    QString refreshError;
    for (const auto& message : m_prompts.messages()) {
        (message.text.contains(QStringLiteral("deploy")) ? deployError : refreshError) =
            message.text + QLatin1Char('\n') + message.details;
    }
    // Each says what failed, why, and what to do.
    EXPECT_TRUE(deployError.contains(QStringLiteral("did not start: its deployment record could not be written")))
        << deployError.toStdString();
    EXPECT_TRUE(deployError.contains(QStringLiteral("locked by another DeepExtension process for more than 30 s; "
                                                    "try again")))
        << deployError.toStdString();
    EXPECT_TRUE(refreshError.contains(QStringLiteral("its records could not be updated")))
        << refreshError.toStdString();
    EXPECT_TRUE(refreshError.contains(QStringLiteral("locked by another DeepExtension process")))
        << refreshError.toStdString();
    // Nothing was sent to the server and no record was written.
    EXPECT_EQ(m_workspace.deployments().size(), 1u);
    EXPECT_FALSE(dialog.isDeploying());

    // Once the other process lets go, the same window deploys.
    release();
    deployDone = false;
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("deployButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return deployDone; }, 60000));
    EXPECT_TRUE(deployOk);
    EXPECT_EQ(m_workspace.deployments().size(), 2u);
}
