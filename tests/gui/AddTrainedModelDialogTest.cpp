#include "gui/AddTrainedModelDialog.h"

#include "RecordingPrompts.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "gui/AddBaseModelDialog.h"
#include "gui/AppContext.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

using namespace deepext;
using namespace deepext::gui;

namespace {

class RegistrationDialogTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        DemoGenerator::seed(m_workspace);
        m_files = m_other.path() + QStringLiteral("/demo");
        DemoGenerator::writeFiles(m_files.toStdString());
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_other;
    QString m_files;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
};

// True when a timer started now fires within `ms`: the GUI event loop is turning.
bool eventLoopTurns(int ms)
{
    bool fired = false;
    QTimer::singleShot(10, [&] { fired = true; });
    return QTest::qWaitFor([&] { return fired; }, ms);
}

} // namespace

TEST_F(RegistrationDialogTest, AddTrained_RegistryWriteRunsOffTheGuiThread)
{
    AddTrainedModelDialog dialog(m_context);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.baseCount() == 1; }, 5000));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("folderLineEdit")),
                     m_files + QStringLiteral("/adapter"));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("trainNameLineEdit")), QStringLiteral("second-run"));
    QString added;
    QObject::connect(&dialog, &AddTrainedModelDialog::added, &dialog, [&](const QString& name) { added = name; });

    // Hold the registry lock as another process would: a write on the GUI thread would now block it for 30 s.
    OperationLock lock(m_workspace.locksDir() + "/registry.lock");
    ASSERT_TRUE(lock.tryLock(0));
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("addButton")), Qt::LeftButton);
    EXPECT_LT(clock.elapsed(), 2000);
    EXPECT_TRUE(dialog.isBusy());
    EXPECT_TRUE(eventLoopTurns(1000));
    EXPECT_EQ(m_workspace.trainedModels().size(), 1u);

    lock.unlock();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !added.isEmpty(); }, 40000));
    EXPECT_FALSE(dialog.isVisible());
    EXPECT_TRUE(m_workspace.findTrainedModel(added.toStdString()).has_value());
    EXPECT_TRUE(added.startsWith(QStringLiteral("demo-llama_second-run_")));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(RegistrationDialogTest, AddTrained_ErrorsReachThePromptsSeam)
{
    AddTrainedModelDialog dialog(m_context);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.baseCount() == 1; }, 5000));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("folderLineEdit")),
                     m_files + QStringLiteral("/nowhere"));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("trainNameLineEdit")), QStringLiteral("run"));
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("addButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("error")) == 1; }, 10000));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("error"))[0].contains(QStringLiteral("does not exist")));
    EXPECT_EQ(QApplication::activeModalWidget(), nullptr);
    EXPECT_TRUE(dialog.isVisible());
    EXPECT_FALSE(dialog.isBusy());
    EXPECT_EQ(m_workspace.trainedModels().size(), 1u);
}

TEST_F(RegistrationDialogTest, AddTrained_InvalidTrainNameIsRefusedAsTyped)
{
    AddTrainedModelDialog dialog(m_context);
    dialog.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return dialog.baseCount() == 1; }, 5000));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("folderLineEdit")),
                     m_files + QStringLiteral("/adapter"));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("trainNameLineEdit")), QStringLiteral("../escape"));
    EXPECT_FALSE(dialog.findChild<QPushButton*>(QStringLiteral("addButton"))->isEnabled());
}

TEST_F(RegistrationDialogTest, AddBase_RegistersOffTheGuiThread)
{
    AddBaseModelDialog dialog(m_context);
    dialog.show();
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("folderLineEdit")), m_files + QStringLiteral("/base"));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("technicalNameLineEdit")),
                     QStringLiteral("second-base"));
    QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("templateFileLineEdit")),
                     m_files + QStringLiteral("/Modelfile.template"));
    QString added;
    QObject::connect(&dialog, &AddBaseModelDialog::added, &dialog, [&](const QString& name) { added = name; });
    OperationLock lock(m_workspace.locksDir() + "/registry.lock");
    ASSERT_TRUE(lock.tryLock(0));
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(dialog.findChild<QPushButton*>(QStringLiteral("addButton")), Qt::LeftButton);
    EXPECT_LT(clock.elapsed(), 2000);
    EXPECT_TRUE(eventLoopTurns(1000));
    lock.unlock();
    ASSERT_TRUE(QTest::qWaitFor([&] { return !added.isEmpty(); }, 40000));
    const auto base = m_workspace.findBaseModel("second-base");
    ASSERT_TRUE(base.has_value());
    EXPECT_FALSE(base->templateText.empty());
}
