// Deploys run in the background (DeployJobs): the dialog closes without cancelling, opens again on the running
// deploy, a second server deploys at the same time, and the Deployed Models page shows the progress on the row and
// cancels from there. Against two stand-in Ollama servers that hold an upload or a create until the test lets go.
#include "EventLoopWait.h"
#include "GuiFixtures.h"
#include "HandlerStallMeter.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployDialog.h"
#include "gui/DeployJob.h"
#include "gui/DeployJobs.h"
#include "gui/DeployedModelsPage.h"
#include "gui/DeploymentTableModel.h"
#include "gui/JobTracker.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <iostream>

using namespace deepext;
using namespace deepext::gui;
using deepext::test_support::waitFor;

namespace {

class BackgroundDeployTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        ASSERT_TRUE(m_secondServer.listen());
        m_workspace.addEnvironment({"first", m_server.url().toStdString(), ""}, true);
        m_workspace.addEnvironment({"second", m_secondServer.url().toStdString(), ""}, false);
        m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    }

    template <typename T>
    static T* child(const QWidget& parent, const char* name)
    {
        T* found = parent.findChild<T*>(QString::fromLatin1(name));
        EXPECT_NE(found, nullptr) << name;
        return found;
    }

    static void chooseEnvironment(DeployDialog& dialog, const QString& environment)
    {
        auto* environments = child<QComboBox>(dialog, "environmentComboBox");
        ASSERT_TRUE(waitFor([&] { return environments->findData(environment) >= 0; }, 10000));
        environments->setCurrentIndex(environments->findData(environment));
    }

    // Clicks Deploy and waits until the dialog shows the background job it started.
    static DeployJob* startDeploy(DeployDialog& dialog)
    {
        QTest::mouseClick(child<QPushButton>(dialog, "deployButton"), Qt::LeftButton);
        EXPECT_TRUE(waitFor([&] { return dialog.job() != nullptr; }, 10000));
        return dialog.job();
    }

    DeploymentStatus statusOf(const QString& uuid) const
    {
        for (const DeploymentRecord& record : m_workspace.deployments()) {
            if (QString::fromStdString(record.uuid) == uuid) {
                return record.status;
            }
        }
        return DeploymentStatus::Interrupted;
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    QTemporaryDir m_secondServerDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    fake::FakeOllamaServer m_secondServer{m_secondServerDir.path()};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    QString m_saved;
};

} // namespace

TEST_F(BackgroundDeployTest, ClosingTheDialogDuringTheUpload_TheDeployRunsToTheEnd)
{
    m_server.setStallUploadAfter(4096, 1); // the first blob stops mid-way until the test releases it
    auto* dialog = new DeployDialog(m_context, m_saved);
    test::prepareDeployDialog(*dialog);
    DeployedModelsPage page(m_context); // the row follows the job's progress meanwhile
    page.show();
    deepext::test_support::HandlerStallMeter meter;
    QPointer<DeployJob> job = startDeploy(*dialog);
    ASSERT_TRUE(job);
    const QString uuid = job->uuid();
    ASSERT_TRUE(waitFor([&] { return m_server.stalledUploadCount() == 1; }, 30000));
    EXPECT_TRUE(job->isDeploying());
    EXPECT_TRUE(child<QPushButton>(*dialog, "closeButton")->isEnabled()) << "closing never waits for the deploy";
    // The status bar's job list has it, and a quit would ask about it.
    EXPECT_EQ(m_context.jobs()->cancellableCount(), 1);
    EXPECT_TRUE(m_context.jobs()->texts().join(QString()).contains(job->ollamaName()));

    QTest::mouseClick(child<QPushButton>(*dialog, "closeButton"), Qt::LeftButton);
    EXPECT_FALSE(dialog->isVisible());
    delete dialog; // gone for good, as WA_DeleteOnClose does in the window
    EXPECT_TRUE(job) << "the job is not the dialog's";
    EXPECT_EQ(statusOf(uuid), DeploymentStatus::Deploying);

    m_server.releaseStalledUploads();
    ASSERT_TRUE(waitFor([&] { return !job; }, 60000));
    EXPECT_EQ(statusOf(uuid), DeploymentStatus::Deployed)
        << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(m_server.model(QString::fromStdString(records[0].ollamaName)).has_value());
    EXPECT_FALSE(records[0].check.empty()) << "the post-deploy check ran too, with no dialog open";
    EXPECT_EQ(m_context.jobs()->count(), 0);
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    // The window kept turning all along: the deploy, its records and its check all ran off the GUI thread.
    std::cout << meter.summary() << '\n';
    EXPECT_LT(meter.longestMs(), 100) << "the window stood still for " << meter.longestMs() << " ms in "
                                      << meter.longestHandler().toStdString();
}

TEST_F(BackgroundDeployTest, TwoServers_DeployAtTheSameTime)
{
    m_server.setHoldCreate(true);
    m_secondServer.setHoldCreate(true);
    DeployDialog dialog(m_context, m_saved);
    test::prepareDeployDialog(dialog);
    QPointer<DeployJob> first = startDeploy(dialog);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->environment(), QStringLiteral("first"));

    // Another server: the dialog offers a new deploy beside the running one.
    chooseEnvironment(dialog, QStringLiteral("second"));
    EXPECT_EQ(dialog.job(), nullptr);
    test::prepareDeployDialog(dialog);
    QPointer<DeployJob> second = startDeploy(dialog);
    ASSERT_TRUE(second);
    EXPECT_NE(first, second);
    EXPECT_EQ(second->environment(), QStringLiteral("second"));

    // Both creates are on their servers at once.
    ASSERT_TRUE(
        waitFor([&] { return m_server.heldCreateCount() == 1 && m_secondServer.heldCreateCount() == 1; }, 60000));
    EXPECT_EQ(m_context.deploys()->count(), 2);
    EXPECT_TRUE(first->isDeploying());
    EXPECT_TRUE(second->isDeploying());

    // Back to the first server: the dialog shows that deploy again.
    chooseEnvironment(dialog, QStringLiteral("first"));
    EXPECT_EQ(dialog.job(), first.data());
    EXPECT_FALSE(child<QPushButton>(dialog, "deployButton")->isEnabled());
    EXPECT_TRUE(child<QPushButton>(dialog, "cancelButton")->isVisible());

    m_server.releaseHeldCreate();
    m_secondServer.releaseHeldCreate();
    ASSERT_TRUE(waitFor([&] { return !first && !second; }, 60000));
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 2u);
    for (const DeploymentRecord& record : records) {
        EXPECT_EQ(record.status, DeploymentStatus::Deployed) << record.ollamaName;
    }
    EXPECT_TRUE(m_server.model(QString::fromStdString(records[0].ollamaName)).has_value() ||
                m_server.model(QString::fromStdString(records[1].ollamaName)).has_value());
    EXPECT_TRUE(m_secondServer.model(QString::fromStdString(records[0].ollamaName)).has_value() ||
                m_secondServer.model(QString::fromStdString(records[1].ollamaName)).has_value());
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(BackgroundDeployTest, OneSavedModelToOneServer_ASecondDeployIsRefusedWhileTheFirstRuns)
{
    m_server.setHoldCreate(true);
    DeployOptions options;
    options.environment = "first";
    options.quantization = "no_quantization";
    const ResolvedDeployment resolved = DeployOperation::resolve(m_workspace, m_saved.toStdString(), options);
    QPointer<DeployJob> first = m_context.deploys()->start(resolved, false, false);
    ASSERT_TRUE(first);

    ResolvedDeployment again = DeployOperation::resolve(m_workspace, m_saved.toStdString(), options);
    QString refusal;
    EXPECT_EQ(m_context.deploys()->start(again, false, false, &refusal), nullptr);
    EXPECT_TRUE(refusal.contains(QStringLiteral("already deploying"))) << refusal.toStdString();
    EXPECT_TRUE(refusal.contains(m_saved)) << refusal.toStdString();
    EXPECT_EQ(m_context.deploys()->count(), 1);

    m_server.setHoldCreate(false);
    m_server.releaseHeldCreate();
    ASSERT_TRUE(waitFor([&] { return !first; }, 60000));
    // Once it has ended, the same server takes the next deploy.
    QPointer<DeployJob> next = m_context.deploys()->start(again, false, false);
    ASSERT_TRUE(next);
    ASSERT_TRUE(waitFor([&] { return !next; }, 60000));
    EXPECT_EQ(m_workspace.deployments().size(), 2u);
}

TEST_F(BackgroundDeployTest, OpeningTheDialogAgain_ShowsTheRunningDeployAndCancelsIt)
{
    m_server.setHoldCreate(true);
    auto* dialog = new DeployDialog(m_context, m_saved);
    test::prepareDeployDialog(*dialog);
    QPointer<DeployJob> job = startDeploy(*dialog);
    ASSERT_TRUE(job);
    ASSERT_TRUE(waitFor([&] { return m_server.heldCreateCount() == 1; }, 60000));
    delete dialog;

    // Opened again, on the default environment: it shows the deploy running there, with its phase and Cancel.
    DeployDialog reopened(m_context, m_saved);
    reopened.show();
    ASSERT_TRUE(waitFor([&] { return reopened.job() != nullptr; }, 10000));
    EXPECT_EQ(reopened.job(), job.data());
    EXPECT_TRUE(reopened.isDeploying());
    EXPECT_TRUE(child<QWidget>(reopened, "progressGroupBox")->isVisible());
    EXPECT_FALSE(child<QLabel>(reopened, "phaseLabel")->text().isEmpty());
    EXPECT_FALSE(child<QPushButton>(reopened, "deployButton")->isEnabled());
    EXPECT_FALSE(child<QLineEdit>(reopened, "ollamaNameLineEdit")->isEnabled());
    auto* cancel = child<QPushButton>(reopened, "cancelButton");
    ASSERT_TRUE(cancel->isVisible());
    EXPECT_EQ(cancel->text(), QStringLiteral("Cancel Deploy"));

    bool finished = false;
    bool ok = true;
    QObject::connect(&reopened, &DeployDialog::deployFinished, &reopened, [&](bool result) {
        finished = true;
        ok = result;
    });
    const QString uuid = job->uuid();
    QTest::mouseClick(cancel, Qt::LeftButton);
    m_server.releaseHeldCreate();
    ASSERT_TRUE(waitFor([&] { return finished; }, 60000));
    EXPECT_FALSE(ok);
    EXPECT_EQ(statusOf(uuid), DeploymentStatus::Cancelled);
    EXPECT_TRUE(child<QLabel>(reopened, "phaseLabel")->text().startsWith(QStringLiteral("Cancelled")))
        << child<QLabel>(reopened, "phaseLabel")->text().toStdString();
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0) << "a cancel is not an error";
}

TEST_F(BackgroundDeployTest, DeployedModelsPage_TheRowShowsProgressAndCancelsTheDeploy)
{
    m_server.setHoldCreate(true);
    DeployedModelsPage page(m_context);
    page.resize(1000, 600);
    page.show();
    DeployOptions options;
    options.quantization = "no_quantization";
    const ResolvedDeployment resolved = DeployOperation::resolve(m_workspace, m_saved.toStdString(), options);
    QPointer<DeployJob> job = m_context.deploys()->start(resolved, false, false);
    ASSERT_TRUE(job);
    const QString uuid = job->uuid();
    ASSERT_TRUE(waitFor([&] { return m_server.heldCreateCount() == 1; }, 60000));

    // The "deploying" row is live, says what the job is doing, and offers its dialog and Cancel.
    ASSERT_TRUE(waitFor([&] { return page.recordCount() == 1; }, 10000));
    const auto statusText = [&] {
        const int row = page.model()->rowOf(uuid);
        return row < 0 ? QString() : page.model()->index(row, DeploymentTableModel::StatusColumn).data().toString();
    };
    EXPECT_TRUE(waitFor([&] { return statusText().startsWith(QStringLiteral("deploying: ")); }, 10000))
        << statusText().toStdString();
    EXPECT_TRUE(statusText().contains(job->phase())) << statusText().toStdString();
    page.selectUuid(uuid);
    auto* cancel = child<QPushButton>(page, "cancelDeployButton");
    auto* showProgress = child<QPushButton>(page, "showProgressButton");
    ASSERT_TRUE(waitFor([&] { return cancel->isVisible(); }, 5000));
    EXPECT_TRUE(cancel->isEnabled());
    EXPECT_TRUE(showProgress->isVisible());
    // Spelled out under the table too, the status column being narrow.
    EXPECT_TRUE(child<QLabel>(page, "statusLabel")->text().contains(job->phase()))
        << child<QLabel>(page, "statusLabel")->text().toStdString();

    // Show Progress… opens the deploy dialog on this very deploy.
    QTest::mouseClick(showProgress, Qt::LeftButton);
    DeployDialog* dialog = nullptr;
    ASSERT_TRUE(waitFor(
        [&] {
            for (DeployDialog* open : page.findChildren<DeployDialog*>()) {
                dialog = open->isVisible() ? open : dialog;
            }
            return dialog != nullptr && dialog->job() == job.data();
        },
        10000));
    dialog->close();

    QTest::mouseClick(cancel, Qt::LeftButton);
    EXPECT_FALSE(cancel->isEnabled()) << "cancelling once is enough";
    m_server.releaseHeldCreate();
    ASSERT_TRUE(waitFor([&] { return !job; }, 60000));
    EXPECT_EQ(statusOf(uuid), DeploymentStatus::Cancelled);
    ASSERT_TRUE(waitFor([&] { return statusText() == QStringLiteral("cancelled"); }, 10000))
        << statusText().toStdString();
    EXPECT_FALSE(cancel->isVisible());
    EXPECT_FALSE(showProgress->isVisible());
}
