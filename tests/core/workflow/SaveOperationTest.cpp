#include "deepext/workflow/SaveOperation.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveTask.h"
#include "deepext/workflow/SavedModelOperations.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace deepext;

namespace {

bool isEmptyDir(const std::string& path)
{
    return fs::is_empty(path);
}

} // namespace

TEST(SaveOperation, Cancel_LeavesNoSavedModelAndNoStaging)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    const std::string trained = DemoGenerator::seed(workspace);
    std::atomic_bool cancel{false};
    int calls = 0;
    try {
        SaveOperation::save(
            workspace, trained, OutputDtype::Auto, 1,
            [&](const MergeProgress& progress) {
                if (progress.bytesDone > 0) {
                    cancel.store(true);
                }
                ++calls;
            },
            cancel);
        FAIL() << "the save was not cancelled";
    } catch (const Error& error) {
        EXPECT_TRUE(error.isCancelled()) << error.message();
    }
    EXPECT_GT(calls, 0);
    EXPECT_TRUE(isEmptyDir(workspace.savedModelsDir()));
    EXPECT_TRUE(isEmptyDir(workspace.stagingDir()));
}

TEST(SaveOperation, Save_CardDescribesTheMergeAndVerifies)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    const std::string trained = DemoGenerator::seed(workspace);
    std::atomic_bool cancel{false};
    const auto outcome = SaveOperation::save(workspace, trained, OutputDtype::Auto, 2, {}, cancel);
    const ModelCard card = ModelCard::load(outcome.path);
    EXPECT_EQ(card.name, outcome.savedName);
    EXPECT_EQ(card.trained.name, trained);
    EXPECT_EQ(card.base.technicalName, "demo-llama");
    EXPECT_EQ(card.merge.tensorsMerged.value_or(-1), 8); // q/k/v/o in two layers
    EXPECT_FALSE(card.files.empty());
    const auto report = SavedModelOperations::verify(workspace, outcome.savedName, {}, cancel);
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.checked, static_cast<int>(card.files.size()));
    EXPECT_TRUE(report.unexpected.empty());
}

TEST(SaveOperation, ForcedDtype_ConvertsEveryTensorAndConfig)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    const std::string trained = DemoGenerator::seed(workspace);
    std::atomic_bool cancel{false};
    const auto outcome = SaveOperation::save(workspace, trained, OutputDtype::F32, 2, {}, cancel);
    std::ifstream in(outcome.path + "/config.json");
    const auto config = nlohmann::json::parse(in);
    EXPECT_EQ(config["torch_dtype"], "float32");
}

TEST(SaveTask, RunsOnAWorkerThreadAndReportsTheName)
{
    QTemporaryDir dir;
    const Workspace workspace = Workspace::open(dir.path().toStdString());
    const std::string trained = DemoGenerator::seed(workspace);
    SaveTask task(workspace, QString::fromStdString(trained), OutputDtype::Auto);
    QObject receiver; // lives on the test thread: the worker's signals arrive queued
    QString saved;
    QString failure;
    std::atomic<QThread*> progressThread{nullptr};
    QObject::connect(&task, &SaveTask::progressChanged, &receiver,
                     [&](qint64, qint64, const QString&) { progressThread = QThread::currentThread(); });
    QObject::connect(&task, &SaveTask::succeeded, &receiver, [&](const QString& name) { saved = name; });
    QObject::connect(&task, &SaveTask::failed, &receiver,
                     [&](const QString& message, const QString&) { failure = message; });
    // The merge itself must not run here: record the thread the operation ran on through a direct connection.
    std::atomic<QThread*> workerThread{nullptr};
    QObject::connect(
        &task, &SaveTask::progressChanged, &task,
        [&](qint64, qint64, const QString&) { workerThread = QThread::currentThread(); }, Qt::DirectConnection);
    QThreadPool pool;
    pool.start(&task);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !saved.isEmpty() || !failure.isEmpty(); }, 60000));
    pool.waitForDone();
    EXPECT_TRUE(failure.isEmpty()) << failure.toStdString();
    EXPECT_TRUE(workspace.savedModelExists(saved.toStdString()));
    ASSERT_NE(workerThread.load(), nullptr);
    EXPECT_NE(workerThread.load(), QThread::currentThread());
    EXPECT_EQ(progressThread.load(), QThread::currentThread());
}
