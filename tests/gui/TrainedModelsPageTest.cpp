#include "gui/TrainedModelsPage.h"

#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/ModelRegistration.h"
#include "deepext/workflow/SaveTask.h"
#include "gui/AppContext.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelsPage.h"

#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <gtest/gtest.h>

#include <filesystem>
#include <mutex>
#include <set>

namespace fs = std::filesystem;
using namespace deepext;
using namespace deepext::gui;

namespace {

class TrainedModelsPageTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
};

} // namespace

TEST_F(TrainedModelsPageTest, Save_MergesOnWorkerThreadAndSelectsTheNewSavedModel)
{
    const QString trained = QString::fromStdString(DemoGenerator::seed(m_workspace));
    TrainedModelsPage page(m_context);
    SavedModelsPage savedPage(m_context);
    page.show();
    savedPage.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1 && savedPage.hasLoaded(); }, 5000));
    ASSERT_EQ(page.currentName(), trained);

    // Record the threads the task reports from: a direct connection runs in the emitting (worker) thread.
    std::mutex mutex;
    std::set<QThread*> workerThreads;
    QObject::connect(&page, &TrainedModelsPage::saveTaskStarted, &page, [&](SaveTask* task) {
        const auto record = [&] {
            const std::lock_guard lock(mutex);
            workerThreads.insert(QThread::currentThread());
        };
        QObject::connect(task, &SaveTask::progressChanged, task, record, Qt::DirectConnection);
        QObject::connect(task, &SaveTask::succeeded, task, record, Qt::DirectConnection);
    });
    QString savedName;
    bool finished = false;
    QObject::connect(&page, &TrainedModelsPage::saveSucceeded, &page, [&](const QString& name) { savedName = name; });
    QObject::connect(&page, &TrainedModelsPage::saveFinished, &page, [&] { finished = true; });

    m_prompts.queueConfirm(true);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    // The confirmation states the automatically chosen parameters.
    ASSERT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("confirm"))[0].contains(QStringLiteral("Output dtype: auto")));
    EXPECT_TRUE(page.isSaving());

    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 120000));
    ASSERT_FALSE(savedName.isEmpty()) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(savedName.startsWith(trained + QStringLiteral("_s_")));
    EXPECT_TRUE(fs::exists(fs::path(m_workspace.savedModelsDir()) / savedName.toStdString() / "model_card.json"));
    {
        const std::lock_guard lock(mutex);
        ASSERT_FALSE(workerThreads.empty());
        EXPECT_EQ(workerThreads.count(QThread::currentThread()), 0u) << "the merge ran on the GUI thread";
    }
    // The new saved model appears selected on the Saved Models page.
    EXPECT_TRUE(QTest::qWaitFor([&] { return savedPage.currentName() == savedName; }, 5000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(TrainedModelsPageTest, Save_DeclinedStartsNothing)
{
    DemoGenerator::seed(m_workspace);
    TrainedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1; }, 5000));
    bool started = false;
    QObject::connect(&page, &TrainedModelsPage::saveTaskStarted, &page, [&] { started = true; });
    m_prompts.queueConfirm(false);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    EXPECT_FALSE(started);
    EXPECT_FALSE(page.isSaving());
}

TEST_F(TrainedModelsPageTest, Save_CancelLeavesNoSavedModel)
{
    DemoGenerator::seed(m_workspace);
    TrainedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1; }, 5000));
    bool finished = false;
    bool succeeded = false;
    QObject::connect(&page, &TrainedModelsPage::saveFinished, &page, [&](bool ok) {
        finished = true;
        succeeded = ok;
    });
    // Cancel before the worker can get far: requestCancel is safe from the GUI thread at any time.
    QObject::connect(&page, &TrainedModelsPage::saveTaskStarted, &page, [&](SaveTask* task) { task->requestCancel(); });
    m_prompts.queueConfirm(true);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 60000));
    if (!succeeded) {
        EXPECT_TRUE(fs::is_empty(m_workspace.savedModelsDir()));
        EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    }
}

TEST_F(TrainedModelsPageTest, Save_OfAnAdapterThatChangesNothing_SucceedsWithAVisibleWarning)
{
    // An adapter saved before training (every lora_B zero): tests/data/noop.
    const std::string data = DEEPEXT_TEST_DATA_DIR;
    ModelRegistration registration(m_workspace);
    registration.addBaseModel(data + "/golden/llama_bf16_qv/base", "qv-base", "", "");
    const QString trained = QString::fromStdString(
        registration.addTrainedModel(data + "/noop/untrained_lora/adapter", "qv-base", "untrained").name);
    TrainedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 1; }, 5000));
    ASSERT_EQ(page.currentName(), trained);
    bool finished = false;
    bool ok = false;
    QStringList warned;
    QObject::connect(&page, &TrainedModelsPage::saveFinished, &page, [&](bool result) {
        finished = true;
        ok = result;
    });
    QObject::connect(&page, &TrainedModelsPage::saveWarned, &page, [&](const QStringList& list) { warned = list; });
    m_prompts.queueConfirm(true);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("saveButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished; }, 120000));
    ASSERT_TRUE(ok) << m_prompts.texts(QStringLiteral("error")).join(QLatin1Char('\n')).toStdString();

    const QString phrase = QStringLiteral("this adapter changes nothing: was it saved before training?");
    ASSERT_EQ(m_prompts.count(QStringLiteral("warning")), 1);
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("warning"))[0].contains(phrase));
    ASSERT_EQ(warned.size(), 1);
    EXPECT_TRUE(warned[0].contains(phrase));
    EXPECT_TRUE(page.findChild<QLabel*>(QStringLiteral("saveStatusLabel"))->text().contains(QStringLiteral("warning")));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}
