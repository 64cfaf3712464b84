// The pages' item models (checked by QAbstractItemModelTester on every change) and their coalesced loader.
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "gui/AppContext.h"
#include "gui/BaseModelListModel.h"
#include "gui/CoalescedLoader.h"
#include "gui/DeploymentTableModel.h"
#include "gui/TrainedModelListModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace deepext;
using namespace deepext::gui;

namespace {

BaseModelRecord base(const std::string& name, const std::string& templateText = "{{ .Prompt }}")
{
    BaseModelRecord record;
    record.technicalName = name;
    record.modelName = name + " display";
    record.path = "/models/" + name;
    record.templateText = templateText;
    return record;
}

TrainedModelRecord trained(const std::string& name, const std::string& baseName = "b")
{
    TrainedModelRecord record;
    record.name = name;
    record.baseTechnicalName = baseName;
    record.adapterPath = "/adapters/" + name;
    return record;
}

DeploymentRecord deployment(const std::string& uuid, const std::string& name, const std::string& startedAt)
{
    DeploymentRecord record;
    record.uuid = uuid;
    record.ollamaName = name;
    record.savedModel = "saved";
    record.url = "http://127.0.0.1:11434";
    record.quantization = "q8_0";
    record.status = DeploymentStatus::Deployed;
    record.startedAt = startedAt;
    return record;
}

// Counts every kind of change a model announces.
struct ChangeCounter
{
    explicit ChangeCounter(QAbstractItemModel& model)
        : inserted(&model, &QAbstractItemModel::rowsInserted)
        , removed(&model, &QAbstractItemModel::rowsRemoved)
        , changed(&model, &QAbstractItemModel::dataChanged)
        , reset(&model, &QAbstractItemModel::modelReset)
    {
    }
    QSignalSpy inserted;
    QSignalSpy removed;
    QSignalSpy changed;
    QSignalSpy reset;
};

} // namespace

TEST(BaseModelListModel, Updates_PassTheModelTesterAndAreNeverAReset)
{
    BaseModelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ChangeCounter counter(model);

    model.setRows({base("a"), base("b", ""), base("c")});
    ASSERT_EQ(model.rowCount(), 3);
    EXPECT_EQ(model.index(0, 0).data().toString(), QStringLiteral("a"));
    EXPECT_EQ(model.index(1, 0).data().toString(), QStringLiteral("b (no template)"));
    EXPECT_EQ(model.index(1, 0).data(BaseModelListModel::HasTemplateRole).toBool(), false);
    EXPECT_EQ(model.index(2, 0).data(Qt::ToolTipRole).toString(), QStringLiteral("/models/c"));

    // a goes, b gets a template, d comes: one removal, one change, one insertion.
    model.setRows({base("b"), base("c"), base("d")});
    EXPECT_EQ(counter.removed.count(), 1);
    EXPECT_EQ(counter.changed.count(), 1);
    EXPECT_EQ(counter.inserted.count(), 2);
    EXPECT_EQ(counter.reset.count(), 0);
    EXPECT_EQ(model.rowOf(QStringLiteral("a")), -1);
    EXPECT_EQ(model.rowOf(QStringLiteral("b")), 0);
    EXPECT_EQ(model.index(0, 0).data().toString(), QStringLiteral("b"));
    EXPECT_EQ(model.rowOf(QStringLiteral("d")), 2);

    // The same list again changes nothing.
    model.setRows({base("b"), base("c"), base("d")});
    EXPECT_EQ(counter.changed.count(), 1);
    model.setRows({});
    EXPECT_EQ(model.rowCount(), 0);
    EXPECT_EQ(counter.reset.count(), 0);
}

TEST(TrainedModelListModel, Updates_PassTheModelTesterAndKeepRowIdentity)
{
    TrainedModelListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ChangeCounter counter(model);

    model.setRows({trained("x"), trained("y"), trained("z")});
    const QPersistentModelIndex y = model.index(1, 0);
    model.setRows({trained("y", "other-base"), trained("z"), trained("w")});
    // The persistent index follows y from row 1 to row 0, as a view's selection does.
    EXPECT_TRUE(y.isValid());
    EXPECT_EQ(y.row(), 0);
    EXPECT_EQ(y.data(TrainedModelListModel::NameRole).toString(), QStringLiteral("y"));
    EXPECT_EQ(y.data(TrainedModelListModel::BaseModelRole).toString(), QStringLiteral("other-base"));
    EXPECT_TRUE(y.data(Qt::ToolTipRole).toString().contains(QStringLiteral("/adapters/y")));
    EXPECT_EQ(counter.reset.count(), 0);
    // A repeated name (a registry edited by hand) is listed once.
    model.setRows({trained("y"), trained("y"), trained("z")});
    EXPECT_EQ(model.rowCount(), 2);
}

TEST(DeploymentTableModel, Updates_PassTheModelTesterWithColumnsAndHeaders)
{
    DeploymentTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    ChangeCounter counter(model);

    model.setRows({deployment("u1", "m1", "2025-01-01T00:00:00Z"), deployment("u2", "m1", "2025-01-02T00:00:00Z")});
    ASSERT_EQ(model.rowCount(), 2);
    ASSERT_EQ(model.columnCount(), DeploymentTableModel::ColumnCount);
    EXPECT_EQ(model.headerData(DeploymentTableModel::NameColumn, Qt::Horizontal).toString(),
              QStringLiteral("Name in Ollama"));
    EXPECT_EQ(model.index(0, DeploymentTableModel::StatusColumn).data().toString(), QStringLiteral("deployed"));
    // No environment name: the URL is shown.
    EXPECT_EQ(model.index(0, DeploymentTableModel::EnvironmentColumn).data().toString(),
              QStringLiteral("http://127.0.0.1:11434"));

    // The same name deployed twice is two rows (keyed by UUID); a refresh that finds u1 gone changes its status.
    DeploymentRecord gone = deployment("u1", "m1", "2025-01-01T00:00:00Z");
    gone.presentOnServer = false;
    DeploymentRecord failed = deployment("u3", "m3", "2025-01-03T00:00:00Z");
    failed.status = DeploymentStatus::Failed;
    failed.message = "model architecture unsupported";
    model.setRows({gone, deployment("u2", "m1", "2025-01-02T00:00:00Z"), failed});
    EXPECT_EQ(counter.changed.count(), 1);
    EXPECT_EQ(counter.reset.count(), 0);
    EXPECT_EQ(model.index(model.rowOf(QStringLiteral("u1")), DeploymentTableModel::StatusColumn).data().toString(),
              QStringLiteral("deployed, no longer on the server"));
    const QModelIndex failedStatus = model.index(model.rowOf(QStringLiteral("u3")), DeploymentTableModel::StatusColumn);
    EXPECT_EQ(failedStatus.data().toString(), QStringLiteral("failed"));
    EXPECT_EQ(failedStatus.data(Qt::ToolTipRole).toString(), QStringLiteral("model architecture unsupported"));
    EXPECT_EQ(failedStatus.data(DeploymentTableModel::UuidRole).toString(), QStringLiteral("u3"));

    // The post-deploy check's outcome, its warning as the tool tip; blank when it did not run.
    DeploymentRecord checked = deployment("u2", "m1", "2025-01-02T00:00:00Z");
    checked.check = "did_not_stop";
    checked.checkMessage = "m1 did not stop by itself";
    model.setRows({gone, checked, failed});
    const QModelIndex check = model.index(model.rowOf(QStringLiteral("u2")), DeploymentTableModel::CheckColumn);
    EXPECT_EQ(check.data().toString(), QStringLiteral("did not stop"));
    EXPECT_EQ(check.data(Qt::ToolTipRole).toString(), QStringLiteral("m1 did not stop by itself"));
    EXPECT_EQ(model.index(model.rowOf(QStringLiteral("u3")), DeploymentTableModel::CheckColumn).data().toString(),
              QString());
    EXPECT_EQ(model.headerData(DeploymentTableModel::CheckColumn, Qt::Horizontal).toString(), QStringLiteral("Check"));
}

namespace {

class CoalescedLoaderTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
};

// A gate the load waits at, so the test decides when a run ends.
struct Gate
{
    std::mutex mutex;
    std::condition_variable opened;
    bool open = false;
    void wait()
    {
        std::unique_lock lock(mutex);
        opened.wait(lock, [this] { return open; });
    }
    void release()
    {
        {
            const std::lock_guard lock(mutex);
            open = true;
        }
        opened.notify_all();
    }
};

} // namespace

TEST_F(CoalescedLoaderTest, RequestsWhileRunning_CoalesceIntoExactlyOneMoreRun)
{
    QObject owner;
    CoalescedLoader loader(m_context, &owner);
    auto gate = std::make_shared<Gate>();
    auto loads = std::make_shared<std::atomic_int>(0);
    std::vector<int> applied;
    QThread* applyThread = nullptr;
    loader.setJob(
        [gate, loads] {
            const int run = ++*loads;
            gate->wait();
            return run;
        },
        [&](JobOutcome<int> outcome) {
            ASSERT_TRUE(outcome.ok());
            applied.push_back(*outcome.value);
            applyThread = QThread::currentThread();
        });

    loader.request();
    EXPECT_TRUE(loader.isRunning());
    for (int i = 0; i < 5; ++i) {
        loader.request(); // all coalesced into one more run
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return loads->load() == 1; }, 5000));
    gate->release();
    ASSERT_TRUE(QTest::qWaitFor([&] { return loader.completedRuns() == 2; }, 5000));
    QTest::qWait(100); // nothing else may follow
    EXPECT_EQ(loads->load(), 2);
    EXPECT_EQ(applied, (std::vector<int>{1, 2}));
    EXPECT_EQ(applyThread, QThread::currentThread());
    EXPECT_FALSE(loader.isRunning());

    // Idle again: a request is one run.
    loader.request();
    ASSERT_TRUE(QTest::qWaitFor([&] { return loader.completedRuns() == 3; }, 5000));
    EXPECT_EQ(loads->load(), 3);
}

TEST_F(CoalescedLoaderTest, ApplyThatThrows_IsReportedAndTheLoaderKeepsWorking)
{
    QObject owner;
    CoalescedLoader loader(m_context, &owner);
    int applies = 0;
    loader.setJob([] { return 1; },
                  [&](JobOutcome<int>) {
                      ++applies;
                      if (applies == 1) {
                          throw Error("the list could not be shown");
                      }
                  });
    loader.request();
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("error")) == 1; }, 5000));
    EXPECT_EQ(m_prompts.texts(QStringLiteral("error"))[0], QStringLiteral("the list could not be shown"));
    loader.request();
    ASSERT_TRUE(QTest::qWaitFor([&] { return applies == 2; }, 5000));
}

TEST_F(CoalescedLoaderTest, OwnerGone_OutcomeIsDropped)
{
    auto* owner = new QObject;
    auto* loader = new CoalescedLoader(m_context, owner);
    auto gate = std::make_shared<Gate>();
    bool applied = false;
    loader->setJob(
        [gate] {
            gate->wait();
            return 1;
        },
        [&](JobOutcome<int>) { applied = true; });
    loader->request();
    delete owner; // deletes the loader too
    gate->release();
    m_context.runner()->waitForDone();
    QTest::qWait(50);
    EXPECT_FALSE(applied);
}
