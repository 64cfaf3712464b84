// Issue 12 item 4, "nothing lost silently": quitting with running saves asks, the Save confirmation picks the output
// dtype, Delete warns about live deployments.
#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveTask.h"
#include "gui/AppContext.h"
#include "gui/JobTracker.h"
#include "gui/MainWindow.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelsPage.h"
#include "gui/TrainedModelsPage.h"

#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

namespace fs = std::filesystem;
using namespace deepext;
using namespace deepext::gui;

namespace {

constexpr int KeepRunning = 0;
constexpr int CancelThem = 1;
constexpr int DontQuit = 2;

class NothingLostTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;

    // Starts a save of the demo's trained model in `window` and holds its worker at the first progress report
    // until `release` is set: the save is certainly running while the test quits.
    void startHeldSave(MainWindow& window, std::atomic_bool& held, std::atomic_bool& release)
    {
        TrainedModelsPage* page = window.trainedModelsPage();
        ASSERT_TRUE(QTest::qWaitFor([&] { return page->modelCount() == 1; }, 10000));
        QObject::connect(page, &TrainedModelsPage::saveTaskStarted, page, [&](SaveTask* task) {
            QObject::connect(
                task, &SaveTask::progressChanged, task,
                [&] {
                    held = true;
                    while (!release) {
                        QThread::msleep(5);
                    }
                },
                Qt::DirectConnection);
        });
        m_prompts.queueConfirm(true);
        page->saveSelected();
        ASSERT_TRUE(page->isSaving());
        ASSERT_TRUE(QTest::qWaitFor([&] { return held.load(); }, 30000));
    }

    bool anySavedModel() const { return !fs::is_empty(m_workspace.savedModelsDir()); }
};

} // namespace

TEST_F(NothingLostTest, Quit_WithARunningSave_CancelThemCancelsAndThenCloses)
{
    DemoGenerator::seed(m_workspace);
    MainWindow window(m_workspace, m_prompts);
    window.show();
    std::atomic_bool held{false};
    std::atomic_bool release{false};
    startHeldSave(window, held, release);

    m_prompts.queueChoice(CancelThem);
    EXPECT_FALSE(window.close()) << "the window waits for the cancelled save to clean up";
    ASSERT_EQ(m_prompts.count(QStringLiteral("choose")), 1);
    const QString question = m_prompts.texts(QStringLiteral("choose")).front();
    EXPECT_TRUE(question.contains(QStringLiteral("Saving"))) << question.toStdString();
    EXPECT_TRUE(question.contains(QStringLiteral("Cancel Them and Quit"))) << question.toStdString();
    EXPECT_TRUE(window.isQuitPending());
    EXPECT_TRUE(window.isVisible());
    EXPECT_TRUE(window.findChild<QLabel*>(QStringLiteral("jobsLabel"))->text().contains(QStringLiteral("Quitting")));

    release = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return !window.isVisible(); }, 60000));
    EXPECT_FALSE(window.trainedModelsPage()->isSaving());
    EXPECT_FALSE(anySavedModel()) << "a cancelled save keeps nothing";
    EXPECT_EQ(m_prompts.count(QStringLiteral("choose")), 1) << "asked once";
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(NothingLostTest, Quit_WithARunningSave_KeepRunningFinishesItThenCloses)
{
    DemoGenerator::seed(m_workspace);
    MainWindow window(m_workspace, m_prompts);
    window.show();
    std::atomic_bool held{false};
    std::atomic_bool release{false};
    startHeldSave(window, held, release);

    m_prompts.queueChoice(KeepRunning);
    EXPECT_FALSE(window.close());
    EXPECT_TRUE(window.isQuitPending());
    EXPECT_TRUE(window.isVisible()) << "the save is still running";

    release = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return !window.isVisible(); }, 120000));
    EXPECT_TRUE(anySavedModel()) << "the save ran to completion";
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(NothingLostTest, Quit_WithARunningSave_DontQuitStaysAndKeepsSaving)
{
    DemoGenerator::seed(m_workspace);
    MainWindow window(m_workspace, m_prompts);
    window.show();
    std::atomic_bool held{false};
    std::atomic_bool release{false};
    startHeldSave(window, held, release);

    m_prompts.queueChoice(DontQuit);
    EXPECT_FALSE(window.close());
    EXPECT_FALSE(window.isQuitPending());
    // Closing the question without an answer is the same as Don't Quit.
    EXPECT_FALSE(window.close());
    EXPECT_EQ(m_prompts.count(QStringLiteral("choose")), 2);

    release = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.context().jobs()->count() == 0; }, 120000));
    EXPECT_TRUE(anySavedModel());
    EXPECT_TRUE(window.isVisible()) << "nobody asked to quit";

    // With nothing running, quitting does not ask.
    EXPECT_TRUE(window.close()) << m_prompts.texts(QStringLiteral("choose")).join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(m_prompts.count(QStringLiteral("choose")), 2);
}

TEST_F(NothingLostTest, Quit_AnsweredStayAfterKeepRunning_WithdrawsTheQuit)
{
    DemoGenerator::seed(m_workspace);
    MainWindow window(m_workspace, m_prompts);
    window.show();
    std::atomic_bool held{false};
    std::atomic_bool release{false};
    startHeldSave(window, held, release);

    m_prompts.queueChoice(KeepRunning);
    EXPECT_FALSE(window.close());
    ASSERT_TRUE(window.isQuitPending());
    m_prompts.queueChoice(DontQuit); // asked again: the user stays after all
    EXPECT_FALSE(window.close());
    EXPECT_FALSE(window.isQuitPending());

    release = true;
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.context().jobs()->count() == 0; }, 120000));
    QTest::qWait(50); // a pending close would have been queued by now
    EXPECT_TRUE(window.isVisible());
}

TEST_F(NothingLostTest, Save_TheConfirmationChoosesTheOutputDtype)
{
    DemoGenerator::seed(m_workspace);
    AppContext context(m_workspace, m_prompts);
    TrainedModelsPage page(context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1; }, 5000));
    QString savedName;
    bool finished = false;
    QObject::connect(&page, &TrainedModelsPage::saveSucceeded, &page, [&](const QString& name) { savedName = name; });
    QObject::connect(&page, &TrainedModelsPage::saveFinished, &page, [&] { finished = true; });

    m_prompts.queueConfirm(true);
    m_prompts.queueOption(2); // fp16
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    ASSERT_EQ(m_prompts.offeredOptions.size(), 1);
    const QStringList offered = m_prompts.offeredOptions.front();
    ASSERT_EQ(offered.size(), 4);
    EXPECT_TRUE(offered[0].startsWith(QStringLiteral("auto")));
    EXPECT_EQ(offered.mid(1), (QStringList{QStringLiteral("bf16"), QStringLiteral("fp16"), QStringLiteral("fp32")}));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("confirm")).front().contains(QStringLiteral("Output dtype: auto")));

    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 120000));
    ASSERT_FALSE(savedName.isEmpty()) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    const ModelCard card = ModelCard::load((fs::path(m_workspace.savedModelsDir()) / savedName.toStdString()).string());
    EXPECT_EQ(card.merge.outputDtype.value_or("none"), "fp16");
}

TEST_F(NothingLostTest, Save_DeclinedWithADtypeChosenStartsNothing)
{
    DemoGenerator::seed(m_workspace);
    AppContext context(m_workspace, m_prompts);
    TrainedModelsPage page(context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1; }, 5000));
    m_prompts.queueConfirm(false);
    m_prompts.queueOption(3);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    EXPECT_FALSE(page.isSaving());
    EXPECT_EQ(context.jobs()->count(), 0);
}

TEST_F(NothingLostTest, Delete_WarnsAboutLiveDeploymentsWhichStay)
{
    const std::string path = test::writeFakeSavedModel(m_workspace, "live_s_0001", "2025-01-01T00:00:00Z");
    test::addDeploymentRecord(m_workspace, "live_s_0001", "live_s_0001_d_abcd_q4_K_M");
    DeploymentRecord failed = test::addDeploymentRecord(m_workspace, "live_s_0001", "live_s_0001_d_ef01_q4_K_M");
    failed.status = DeploymentStatus::Failed;
    m_workspace.upsertDeployment(failed);
    DeploymentRecord gone = test::addDeploymentRecord(m_workspace, "live_s_0001", "live_s_0001_d_2345_q4_K_M");
    gone.presentOnServer = false; // the last refresh found it removed from the server
    m_workspace.upsertDeployment(gone);

    AppContext context(m_workspace, m_prompts);
    SavedModelsPage page(context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));
    page.selectModel(QStringLiteral("live_s_0001"));

    m_prompts.queueConfirm(false);
    page.deleteSelected();
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    const QString question = m_prompts.texts(QStringLiteral("confirm")).front();
    EXPECT_TRUE(question.contains(QStringLiteral("1 live deployment"))) << question.toStdString();
    EXPECT_TRUE(question.contains(QStringLiteral("live_s_0001_d_abcd_q4_K_M on http://127.0.0.1:11434")))
        << question.toStdString();
    EXPECT_FALSE(question.contains(QStringLiteral("d_ef01"))) << "a failed attempt is not live";
    EXPECT_FALSE(question.contains(QStringLiteral("d_2345"))) << "gone from the server is not live";
    EXPECT_TRUE(question.contains(QStringLiteral("stay on their servers"))) << question.toStdString();
    EXPECT_TRUE(fs::exists(path));

    m_prompts.queueConfirm(true);
    page.deleteSelected();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fs::exists(path); }, 10000));
    EXPECT_EQ(m_workspace.deployments().size(), 3u) << "the deployment records stay";
}

TEST_F(NothingLostTest, Delete_WithoutLiveDeploymentsSaysNothingAboutThem)
{
    test::writeFakeSavedModel(m_workspace, "quiet_s_0001", "2025-01-01T00:00:00Z");
    AppContext context(m_workspace, m_prompts);
    SavedModelsPage page(context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));
    page.selectModel(QStringLiteral("quiet_s_0001"));
    m_prompts.queueConfirm(false);
    page.deleteSelected();
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    EXPECT_FALSE(m_prompts.texts(QStringLiteral("confirm")).front().contains(QStringLiteral("live deployment")));
}
