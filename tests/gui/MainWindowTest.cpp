#include "gui/MainWindow.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "gui/AppContext.h"
#include "gui/BaseModelsPage.h"
#include "gui/DeployedModelsPage.h"
#include "gui/LogModel.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelsPage.h"
#include "gui/TrainedModelsPage.h"

#include <QApplication>
#include <QLineEdit>
#include <QListWidget>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace deepext;
using namespace deepext::gui;

namespace {

class MainWindowTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
};

bool allLoaded(const MainWindow& window, int base, int trained, int saved)
{
    return window.baseModelsPage()->modelCount() == base && window.trainedModelsPage()->modelCount() == trained &&
           window.savedModelsPage()->hasLoaded() && window.savedModelsPage()->model()->rowCount() == saved &&
           window.deployedModelsPage()->recordCount() == 0;
}

} // namespace

TEST_F(MainWindowTest, Opens_OnDemoWorkspaceAndShowsAllPages)
{
    const std::string saved = test::seedDemoAndSave(m_workspace);
    MainWindow window(m_workspace, m_prompts);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    EXPECT_EQ(window.windowTitle(), QStringLiteral("DeepExtension"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return allLoaded(window, 1, 1, 1); }, 10000));

    auto* navigation = window.findChild<QListWidget*>(QStringLiteral("navigationListWidget"));
    auto* stack = window.findChild<QStackedWidget*>(QStringLiteral("pagesStackedWidget"));
    ASSERT_EQ(navigation->count(), 4);
    const QList<QWidget*> pages{window.baseModelsPage(), window.trainedModelsPage(), window.savedModelsPage(),
                                window.deployedModelsPage()};
    for (int row = 0; row < navigation->count(); ++row) {
        QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {},
                          navigation->visualItemRect(navigation->item(row)).center());
        EXPECT_EQ(stack->currentWidget(), pages[row]);
        EXPECT_TRUE(pages[row]->isVisible());
    }
    window.showPage(MainWindow::Page::SavedModels);
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return window.savedModelsPage()->currentName() == QString::fromStdString(saved); }, 5000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(MainWindowTest, Shortcuts_FilterDeleteAndRefresh)
{
    test::writeFakeSavedModel(m_workspace, "one_s_0001", "2025-01-01T00:00:00Z");
    test::writeFakeSavedModel(m_workspace, "two_s_0002", "2025-02-01T00:00:00Z");
    MainWindow window(m_workspace, m_prompts);
    window.show();
    QApplication::setActiveWindow(&window);
    ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    window.showPage(MainWindow::Page::BaseModels);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.savedModelsPage()->model()->rowCount() == 2; }, 5000));

    // Ctrl+F goes to the Saved Models page and into its filter.
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    EXPECT_EQ(window.currentPage(), MainWindow::Page::SavedModels);
    auto* filter = window.findChild<QLineEdit*>(QStringLiteral("filterLineEdit"));
    EXPECT_TRUE(filter->hasFocus());
    QTest::keyClicks(filter, QStringLiteral("one"));
    EXPECT_EQ(window.savedModelsPage()->proxy()->rowCount(), 1);
    filter->clear();

    // Delete asks (declined here) about the selected model.
    window.savedModelsPage()->selectModel(QStringLiteral("one_s_0001"));
    window.findChild<QWidget*>(QStringLiteral("savedModelsListView"))->setFocus();
    m_prompts.queueConfirm(false);
    QTest::keyClick(&window, Qt::Key_Delete);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("confirm"))[0].contains(QStringLiteral("one_s_0001")));

    // F5 reads the workspace again (here: a model the watcher has not reported yet is also fine).
    test::writeFakeSavedModel(m_workspace, "three_s_0003", "2025-03-01T00:00:00Z");
    QTest::keyClick(&window, Qt::Key_F5);
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.savedModelsPage()->model()->rowCount() == 3; }, 5000));
}

TEST_F(MainWindowTest, FirstRun_OffersAndCreatesTheDemo)
{
    MainWindow window(m_workspace, m_prompts);
    window.show();
    bool done = false;
    bool created = false;
    QObject::connect(&window, &MainWindow::firstRunDone, &window, [&](bool demo) {
        done = true;
        created = demo;
    });
    m_prompts.queueConfirm(true);
    window.offerDemoIfEmpty();
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 30000));
    EXPECT_TRUE(created);
    EXPECT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
    EXPECT_EQ(window.currentPage(), MainWindow::Page::TrainedModels);
    EXPECT_TRUE(QTest::qWaitFor([&] { return window.trainedModelsPage()->modelCount() == 1; }, 5000));
    EXPECT_EQ(m_workspace.baseModels().size(), 1u);

    // Not offered again once the workspace has content.
    done = false;
    window.offerDemoIfEmpty();
    ASSERT_TRUE(QTest::qWaitFor([&] { return done; }, 10000));
    EXPECT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
}

TEST_F(MainWindowTest, AboutAndLog_GoThroughPromptsAndDock)
{
    MainWindow window(m_workspace, m_prompts);
    window.show();
    window.showAbout();
    ASSERT_EQ(m_prompts.count(QStringLiteral("information")), 1);
    const QString about = m_prompts.texts(QStringLiteral("information"))[0];
    EXPECT_TRUE(about.contains(QStringLiteral(DEEPEXT_VERSION)));
    EXPECT_TRUE(about.contains(QString::fromLatin1(qVersion())));

    logging::core()->info("a line for the log dock");
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            const LogModel* log = window.logModel();
            for (int row = 0; row < log->rowCount(); ++row) {
                if (log->index(row).data().toString().contains(QStringLiteral("a line for the log dock"))) {
                    return true;
                }
            }
            return false;
        },
        5000));
}
