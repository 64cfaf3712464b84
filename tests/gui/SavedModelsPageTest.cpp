#include "gui/SavedModelsPage.h"

#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "gui/AppContext.h"
#include "gui/CardPane.h"
#include "gui/ElidedLabel.h"
#include "gui/SavedModelListModel.h"
#include "gui/StatusBadge.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace deepext;
using namespace deepext::gui;

namespace {

class SavedModelsPageTest : public ::testing::Test
{
protected:
    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
};

} // namespace

TEST_F(SavedModelsPageTest, Delete_ConfirmedRemovesDirectoryAndKeepsDeploymentRecords)
{
    const std::string keepPath = test::writeFakeSavedModel(m_workspace, "keep_s_0001", "2025-01-01T00:00:00Z");
    const std::string gonePath = test::writeFakeSavedModel(m_workspace, "gone_s_0002", "2025-02-01T00:00:00Z", 1234);
    test::addDeploymentRecord(m_workspace, "gone_s_0002", "gone_s_0002_d_abcd_q4_K_M");

    SavedModelsPage page(m_context);
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 2; }, 5000));
    page.selectModel(QStringLiteral("gone_s_0002"));
    ASSERT_EQ(page.currentName(), QStringLiteral("gone_s_0002"));

    m_prompts.queueConfirm(true);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("deleteButton")), Qt::LeftButton);

    // The confirmation (once the deployment records are read) named the model, its folder and that deployments
    // stay; the entry went at once.
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    const QStringList confirms = m_prompts.texts(QStringLiteral("confirm"));
    ASSERT_EQ(confirms.size(), 1);
    EXPECT_TRUE(confirms[0].contains(QStringLiteral("gone_s_0002")));
    EXPECT_TRUE(confirms[0].contains(QString::fromStdString(gonePath)));
    EXPECT_TRUE(confirms[0].contains(QStringLiteral("Deployments are unaffected")));
    EXPECT_EQ(page.model()->rowOf(QStringLiteral("gone_s_0002")), -1);

    EXPECT_TRUE(QTest::qWaitFor([&] { return !fs::exists(gonePath); }, 10000));
    EXPECT_TRUE(fs::exists(keepPath));
    const auto deployments = m_workspace.deployments();
    ASSERT_EQ(deployments.size(), 1u);
    EXPECT_EQ(deployments[0].ollamaName, "gone_s_0002_d_abcd_q4_K_M");
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    // A later scan does not bring it back.
    page.reload();
    EXPECT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));
}

TEST_F(SavedModelsPageTest, Delete_DeclinedKeepsEverything)
{
    const std::string path = test::writeFakeSavedModel(m_workspace, "stay_s_0001", "2025-01-01T00:00:00Z");
    SavedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));
    page.selectModel(QStringLiteral("stay_s_0001"));
    m_prompts.queueConfirm(false);
    QTest::mouseClick(page.findChild<QPushButton*>(QStringLiteral("deleteButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    EXPECT_EQ(page.model()->rowCount(), 1);
    EXPECT_TRUE(fs::exists(path));
}

TEST_F(SavedModelsPageTest, List_FollowsChangesMadeByAnotherProcess)
{
    test::writeFakeSavedModel(m_workspace, "first_s_0001", "2025-01-01T00:00:00Z");
    SavedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));

    // What the CLI would do: a new model appears by rename, an old one disappears.
    test::writeFakeSavedModel(m_workspace, "second_s_0002", "2025-03-01T00:00:00Z");
    EXPECT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 2; }, 5000));
    fs::remove_all(fs::path(m_workspace.savedModelsDir()) / "first_s_0001");
    EXPECT_TRUE(QTest::qWaitFor([&] { return page.model()->rowCount() == 1; }, 5000));
    EXPECT_EQ(page.model()->rowOf(QStringLiteral("second_s_0002")), 0);
}

TEST_F(SavedModelsPageTest, Card_ShowsSelectedModelWithItsDeployments)
{
    test::writeFakeSavedModel(m_workspace, "older_s_0001", "2025-01-01T00:00:00Z");
    test::writeFakeSavedModel(m_workspace, "newer_s_0002", "2025-05-01T00:00:00Z");
    test::addDeploymentRecord(m_workspace, "newer_s_0002", "newer_s_0002_d_beef_q8_0");
    SavedModelsPage page(m_context);
    QStringList shown;
    QObject::connect(&page, &SavedModelsPage::cardShown, &page, [&](const QString& name) { shown << name; });
    page.show();
    // Newest first, and the newest card is shown without a click.
    ASSERT_TRUE(QTest::qWaitFor([&] { return shown.contains(QStringLiteral("newer_s_0002")); }, 5000));
    auto* pane = page.findChild<CardPane*>(QStringLiteral("cardPane"));
    ASSERT_NE(pane, nullptr);
    EXPECT_EQ(pane->name(), QStringLiteral("newer_s_0002"));
    EXPECT_EQ(pane->findChild<ElidedLabel*>(QStringLiteral("cardNameLabel"))->fullText(),
              QStringLiteral("newer_s_0002"));
    // The deployment is an entry of its own: its name in Ollama and a "deployed" badge.
    auto* items = pane->findChild<QWidget*>(QStringLiteral("cardItems"));
    ASSERT_NE(items, nullptr);
    bool listed = false;
    for (const ElidedLabel* label : pane->findChildren<ElidedLabel*>(QStringLiteral("cardCodeLabel"))) {
        listed = listed || label->fullText() == QStringLiteral("newer_s_0002_d_beef_q8_0");
    }
    EXPECT_TRUE(listed);
    const auto badges = pane->findChildren<StatusBadge*>();
    ASSERT_FALSE(badges.isEmpty());
    EXPECT_EQ(badges.front()->status(), QStringLiteral("deployed"));

    auto* view = page.findChild<QListView*>(QStringLiteral("savedModelsListView"));
    const QModelIndex older = view->model()->index(1, 0);
    ASSERT_EQ(older.data(SavedModelListModel::NameRole).toString(), QStringLiteral("older_s_0001"));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(older).center());
    ASSERT_TRUE(QTest::qWaitFor([&] { return shown.contains(QStringLiteral("older_s_0001")); }, 5000));
    EXPECT_EQ(pane->name(), QStringLiteral("older_s_0001"));
    EXPECT_TRUE(pane->findChildren<StatusBadge*>().isEmpty()); // never deployed
    EXPECT_TRUE(pane->plainText().contains(QStringLiteral("This model has not been deployed.")));
}

TEST_F(SavedModelsPageTest, Card_UnreadableCardIsListedAndExplained)
{
    const std::string path = test::writeFakeSavedModel(m_workspace, "broken_s_0001", "2025-01-01T00:00:00Z");
    std::ofstream(path + "/model_card.json") << "{ not json";
    SavedModelsPage page(m_context);
    bool shown = false;
    QObject::connect(&page, &SavedModelsPage::cardShown, &page, [&] { shown = true; });
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return shown; }, 5000));
    EXPECT_EQ(page.model()->rowCount(), 1);
    auto* pane = page.findChild<CardPane*>(QStringLiteral("cardPane"));
    EXPECT_EQ(pane->name(), QStringLiteral("broken_s_0001"));
    auto* problem = pane->findChild<QLabel*>(QStringLiteral("cardProblemLabel"));
    ASSERT_NE(problem, nullptr);
    EXPECT_TRUE(pane->plainText().contains(QStringLiteral("cannot be read")));
    EXPECT_TRUE(pane->plainText().contains(QStringLiteral("model_card.json")));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}
