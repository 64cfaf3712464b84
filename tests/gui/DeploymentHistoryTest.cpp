// The Deployed Models page as a list to trust: the live deployments by default (presence asked of the real stand-in
// server when the page shows, nothing written), every attempt under History, which can be cleared; the filter box,
// sortable columns, and rows whose saved model was deleted.
#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/DeployedModelsPage.h"
#include "gui/DeploymentTableModel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace deepext;
using namespace deepext::gui;

namespace {

class DeploymentHistoryTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        ASSERT_TRUE(m_server.listen());
        m_saved = gui::test::seedDemoAndSave(m_workspace);
    }

    DeploymentRecord add(const std::string& name, DeploymentStatus status, const std::string& started,
                         bool onServer = true)
    {
        DeploymentRecord record = gui::test::addDeploymentRecord(m_workspace, m_saved, name);
        record.url = m_server.url().toStdString();
        record.status = status;
        record.startedAt = started;
        record.endedAt = started;
        m_workspace.upsertDeployment(record);
        if (onServer) {
            EXPECT_TRUE(m_server.addModel(QString::fromStdString(name) + QStringLiteral(":latest")));
        }
        return record;
    }

    // The names the table shows, top to bottom.
    static std::vector<std::string> shownNames(const DeployedModelsPage& page)
    {
        const auto* table = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
        std::vector<std::string> names;
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            names.push_back(
                table->model()->index(row, DeploymentTableModel::NameColumn).data().toString().toStdString());
        }
        return names;
    }

    // Shows the page and waits for its records and its first presence check.
    static void showAndCheck(DeployedModelsPage& page, int records)
    {
        QSignalSpy checked(&page, &DeployedModelsPage::presenceChecked);
        page.show();
        ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == records && checked.count() > 0; }, 10000));
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_serverDir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    fake::FakeOllamaServer m_server{m_serverDir.path()};
    gui::test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
    std::string m_saved;
};

} // namespace

TEST_F(DeploymentHistoryTest, LiveViewHidesPastAttemptsHistoryShowsThemAndClearingForgetsOnlyThose)
{
    add("alpha", DeploymentStatus::Deployed, "2025-01-01T00:00:00Z");
    add("broken", DeploymentStatus::Failed, "2025-01-02T00:00:00Z", false);
    add("stopped", DeploymentStatus::Cancelled, "2025-01-03T00:00:00Z", false);
    add("gone", DeploymentStatus::Removed, "2025-01-04T00:00:00Z", false);
    add("beta", DeploymentStatus::Deployed, "2025-01-05T00:00:00Z");
    DeployedModelsPage page(m_context);
    showAndCheck(page, 5);
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"beta", "alpha"}));
    auto* clear = page.findChild<QPushButton*>(QStringLiteral("clearHistoryButton"));
    EXPECT_FALSE(clear->isVisibleTo(&page));

    page.findChild<QComboBox*>(QStringLiteral("deploymentViewComboBox"))->setCurrentIndex(1);
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"beta", "gone", "stopped", "broken", "alpha"}));
    EXPECT_TRUE(page.findChild<QComboBox*>(QStringLiteral("deploymentViewComboBox"))
                    ->itemText(1)
                    .contains(QStringLiteral("3")));
    ASSERT_TRUE(clear->isVisibleTo(&page));
    ASSERT_TRUE(clear->isEnabled());

    // Said no: nothing goes.
    m_prompts.queueConfirm(false);
    clear->click();
    EXPECT_EQ(m_workspace.deployments().size(), 5u);

    QSignalSpy cleared(&page, &DeployedModelsPage::historyCleared);
    m_prompts.queueConfirm(true);
    clear->click();
    ASSERT_TRUE(cleared.wait(10000));
    EXPECT_EQ(cleared.at(0).at(0).toInt(), 3);
    const auto records = m_workspace.deployments();
    ASSERT_EQ(records.size(), 2u);
    for (const auto& record : records) {
        EXPECT_EQ(record.status, DeploymentStatus::Deployed) << record.ollamaName;
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 2; }, 10000));
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"beta", "alpha"}));
    EXPECT_FALSE(clear->isEnabled());
    // Ollama was not touched.
    EXPECT_TRUE(m_server.model(QStringLiteral("alpha:latest")).has_value());
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(DeploymentHistoryTest, PresenceComesFromTheServerWhenThePageShowsAndNothingIsWritten)
{
    add("kept", DeploymentStatus::Deployed, "2025-01-01T00:00:00Z");
    // Deleted in Ollama behind our back: the record still says it is there.
    add("deleted-elsewhere", DeploymentStatus::Deployed, "2025-01-02T00:00:00Z", false);
    DeployedModelsPage page(m_context);
    showAndCheck(page, 2);
    EXPECT_EQ(shownNames(page), std::vector<std::string>{"kept"});
    page.setShowHistory(true);
    ASSERT_EQ(shownNames(page), (std::vector<std::string>{"deleted-elsewhere", "kept"}));
    const auto* table = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    EXPECT_EQ(table->model()->index(0, DeploymentTableModel::StatusColumn).data().toString().toStdString(),
              "deployed, no longer on the server");
    EXPECT_EQ(table->model()->index(1, DeploymentTableModel::StatusColumn).data().toString().toStdString(), "deployed");
    // The check only looks: the records are as they were (Refresh is what records presence).
    for (const auto& record : m_workspace.deployments()) {
        EXPECT_TRUE(record.presentOnServer) << record.ollamaName;
        EXPECT_TRUE(record.refreshedAt.empty()) << record.ollamaName;
    }

    // The model comes back on the server: the next check (the timer's, here called directly) shows it live again.
    ASSERT_TRUE(m_server.addModel(QStringLiteral("deleted-elsewhere:latest")));
    page.setShowHistory(false);
    QSignalSpy checked(&page, &DeployedModelsPage::presenceChecked);
    page.checkPresence();
    ASSERT_TRUE(checked.wait(10000));
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"deleted-elsewhere", "kept"}));
}

TEST_F(DeploymentHistoryTest, AnUnreachableServerLeavesTheRecordsPresenceAndSaysSoQuietly)
{
    DeploymentRecord record = add("elsewhere", DeploymentStatus::Deployed, "2025-01-01T00:00:00Z", false);
    record.url = "http://127.0.0.1:9"; // discard: nothing answers
    m_workspace.upsertDeployment(record);
    DeployedModelsPage page(m_context);
    showAndCheck(page, 1);
    EXPECT_EQ(shownNames(page), std::vector<std::string>{"elsewhere"});
    EXPECT_TRUE(page.findChild<QLabel*>(QStringLiteral("statusLabel"))
                    ->text()
                    .startsWith(QStringLiteral("Not every server answered")));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0); // no box every minute
}

TEST_F(DeploymentHistoryTest, FilterSortAndDeletedSavedModels)
{
    add("customer-support-v2", DeploymentStatus::Deployed, "2025-01-02T00:00:00Z");
    add("zeta-summariser", DeploymentStatus::Deployed, "2025-01-03T00:00:00Z");
    DeploymentRecord orphan = add("orphan-model", DeploymentStatus::Deployed, "2025-01-01T00:00:00Z");
    orphan.savedModel = "deleted-model_s_abcd";
    m_workspace.upsertDeployment(orphan);
    DeployedModelsPage page(m_context);
    showAndCheck(page, 3);
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"zeta-summariser", "customer-support-v2", "orphan-model"}));

    // The saved model that is gone says so; the deployment stays listed.
    const auto* table = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    EXPECT_EQ(table->model()->index(2, DeploymentTableModel::SavedModelColumn).data().toString().toStdString(),
              "deleted-model_s_abcd (deleted)");
    EXPECT_EQ(table->model()->index(0, DeploymentTableModel::SavedModelColumn).data().toString().toStdString(),
              m_saved);

    // A click on the name header sorts A to Z, a second Z to A.
    QHeaderView* header = table->horizontalHeader();
    const auto clickNameHeader = [&] {
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(DeploymentTableModel::NameColumn) + 5, header->height() / 2));
    };
    clickNameHeader();
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"customer-support-v2", "orphan-model", "zeta-summariser"}));
    clickNameHeader();
    EXPECT_EQ(shownNames(page), (std::vector<std::string>{"zeta-summariser", "orphan-model", "customer-support-v2"}));

    // The filter matches names, saved models, environments and statuses, in any case.
    auto* filter = page.findChild<QLineEdit*>(QStringLiteral("deploymentFilterLineEdit"));
    QTest::keyClicks(filter, QStringLiteral("SUPPORT"));
    EXPECT_EQ(shownNames(page), std::vector<std::string>{"customer-support-v2"});
    filter->setText(QStringLiteral("(deleted)"));
    EXPECT_EQ(shownNames(page), std::vector<std::string>{"orphan-model"});
    filter->setText(QStringLiteral("nothing like this"));
    EXPECT_TRUE(shownNames(page).empty());
    EXPECT_FALSE(page.findChild<QPushButton*>(QStringLiteral("removeFromOllamaButton"))->isEnabled());
    filter->clear();
    EXPECT_EQ(shownNames(page).size(), 3u);
}

TEST_F(DeploymentHistoryTest, SelectingAPastAttemptSwitchesToHistory)
{
    add("live-one", DeploymentStatus::Deployed, "2025-01-02T00:00:00Z");
    const DeploymentRecord failed = add("failed-one", DeploymentStatus::Failed, "2025-01-01T00:00:00Z", false);
    DeployedModelsPage page(m_context);
    showAndCheck(page, 2);
    EXPECT_EQ(page.visibleCount(), 1);
    page.selectUuid(QString::fromStdString(failed.uuid));
    EXPECT_EQ(page.currentOllamaName(), QStringLiteral("failed-one"));
    EXPECT_EQ(page.findChild<QComboBox*>(QStringLiteral("deploymentViewComboBox"))->currentIndex(), 1);
    EXPECT_EQ(page.visibleCount(), 2);
}

TEST_F(DeploymentHistoryTest, ContextMenuOffersWhatTheButtonsDoAndCopiesTheName)
{
    add("live-one", DeploymentStatus::Deployed, "2025-01-02T00:00:00Z");
    add("failed-one", DeploymentStatus::Failed, "2025-01-01T00:00:00Z", false);
    DeployedModelsPage page(m_context);
    page.resize(1000, 600);
    showAndCheck(page, 2);
    page.setShowHistory(true);
    auto* table = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    auto* menu = page.findChild<QMenu*>(QStringLiteral("deploymentsContextMenu"));
    ASSERT_NE(menu, nullptr);
    const auto action = [&](const char* name) { return menu->findChild<QAction*>(QLatin1String(name)); };
    const auto rightClick = [&](int row) {
        const QPoint at = table->visualRect(table->model()->index(row, 0)).center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, table->viewport()->mapToGlobal(at));
        QApplication::sendEvent(table->viewport(), &event);
    };

    // The failed attempt (second row, older): it can be removed or copied, not tried.
    rightClick(1);
    ASSERT_TRUE(QTest::qWaitFor([&] { return menu->isVisible(); }, 5000));
    EXPECT_EQ(page.currentOllamaName(), QStringLiteral("failed-one"));
    EXPECT_FALSE(action("tryContextAction")->isEnabled());
    EXPECT_TRUE(action("removeContextAction")->isEnabled());
    menu->hide();

    rightClick(0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return menu->isVisible(); }, 5000));
    EXPECT_EQ(page.currentOllamaName(), QStringLiteral("live-one"));
    EXPECT_TRUE(action("tryContextAction")->isEnabled());
    EXPECT_TRUE(action("evaluateContextAction")->isEnabled());
    action("copyNameContextAction")->trigger();
    menu->hide();
    EXPECT_EQ(QGuiApplication::clipboard()->text(), QStringLiteral("live-one"));
    // Ctrl+C on the table does the same.
    QGuiApplication::clipboard()->clear();
    table->setFocus();
    QTest::keyClick(table, Qt::Key_C, Qt::ControlModifier);
    EXPECT_EQ(QGuiApplication::clipboard()->text(), QStringLiteral("live-one"));
}
