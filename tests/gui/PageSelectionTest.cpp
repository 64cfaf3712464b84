// The Base, Trained and Deployed pages keep their selection (by name, by deploy UUID) when another process, the real
// deepext-cli, changes the workspace underneath them and the window reloads.
#include "CliRunner.h"
#include "GuiFixtures.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/ModelRegistration.h"
#include "fakeollama/FakeOllamaServer.h"
#include "gui/AppContext.h"
#include "gui/BaseModelsPage.h"
#include "gui/CardPane.h"
#include "gui/DeployedModelsPage.h"
#include "gui/DeploymentTableModel.h"
#include "gui/TrainedModelListModel.h"
#include "gui/TrainedModelsPage.h"

#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <fstream>

using namespace deepext;
using namespace deepext::gui;

namespace {

class PageSelectionTest : public ::testing::Test
{
protected:
    void SetUp() override
    {
        DemoGenerator::seed(m_workspace);
        m_files = m_other.path().toStdString() + "/demo";
        DemoGenerator::writeFiles(m_files);
    }

    deepext::test::CliResult cli(QStringList arguments)
    {
        arguments.prepend(QString::fromStdString(m_workspace.root()));
        arguments.prepend(QStringLiteral("--workspace"));
        return deepext::test::runCli(arguments);
    }

    QTemporaryDir m_dir;
    QTemporaryDir m_other;
    std::string m_files;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    gui::test::RecordingPrompts m_prompts;
    AppContext m_context{m_workspace, m_prompts};
};

} // namespace

TEST_F(PageSelectionTest, BaseModels_SelectionSurvivesTheCliRemovingTheRowAboveAndChangingTheSelectedOne)
{
    ModelRegistration registration(m_workspace);
    registration.addBaseModel(m_files + "/base", "alpha", "", "");
    registration.addBaseModel(m_files + "/base", "beta", "", "");
    BaseModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 3; }, 5000));
    page.selectModel(QStringLiteral("beta"));
    ASSERT_EQ(page.currentName(), QStringLiteral("beta"));
    auto* facts = page.findChild<CardPane*>(QStringLiteral("baseCardPane"));
    EXPECT_EQ(facts->name(), QStringLiteral("beta"));
    EXPECT_TRUE(facts->plainText().contains(QStringLiteral("None. Deploying a model of this base needs one")));

    const auto removed = cli({QStringLiteral("base"), QStringLiteral("remove"), QStringLiteral("alpha")});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 2; }, 10000));
    EXPECT_EQ(page.currentName(), QStringLiteral("beta"));

    const auto templated = cli({QStringLiteral("base"), QStringLiteral("set-template"), QStringLiteral("beta"),
                                QString::fromStdString(m_files + "/Modelfile.template")});
    ASSERT_EQ(templated.exitCode, 0) << templated.err;
    // The reload changes beta's row in place: still selected, and its pane shows the new template.
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return facts->plainText().contains(QStringLiteral("Modelfile.template")); }, 10000));
    EXPECT_EQ(page.currentName(), QStringLiteral("beta"));
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(PageSelectionTest, TrainedModels_SelectionSurvivesTheCliRemovingTheRowAbove)
{
    ModelRegistration registration(m_workspace);
    const std::string second = registration.addTrainedModel(m_files + "/adapter", "demo-llama", "second").name;
    const QString third =
        QString::fromStdString(registration.addTrainedModel(m_files + "/adapter", "demo-llama", "third").name);
    TrainedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 3; }, 5000));
    page.selectModel(third);
    ASSERT_EQ(page.currentName(), third);

    const auto removed = cli({QStringLiteral("trained"), QStringLiteral("remove"), QString::fromStdString(second)});
    ASSERT_EQ(removed.exitCode, 0) << removed.err;
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 2; }, 10000));
    EXPECT_EQ(page.currentName(), third);
    EXPECT_EQ(page.model()->rowOf(third), 1);

    const auto added = cli({QStringLiteral("trained"), QStringLiteral("add"),
                            QString::fromStdString(m_files + "/adapter"), QStringLiteral("--base"),
                            QStringLiteral("demo-llama"), QStringLiteral("--train-name"), QStringLiteral("fourth")});
    ASSERT_EQ(added.exitCode, 0) << added.err;
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.modelCount() == 3; }, 10000));
    EXPECT_EQ(page.currentName(), third);
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(PageSelectionTest, DeployedModels_SelectionFollowsItsUuidWhenTheCliDeploysANewerOne)
{
    QTemporaryDir serverDir;
    fake::FakeOllamaServer server(serverDir.path());
    ASSERT_TRUE(server.listen());
    const std::string saved = gui::test::seedDemoAndSave(m_workspace);
    for (const auto& [name, started] :
         {std::pair<std::string, std::string>{"older", "2025-01-01T00:00:00Z"}, {"newer", "2025-01-02T00:00:00Z"}}) {
        DeploymentRecord record = gui::test::addDeploymentRecord(m_workspace, saved, name);
        record.startedAt = started;
        record.url = server.url().toStdString();
        m_workspace.upsertDeployment(record);
        ASSERT_TRUE(server.addModel(QString::fromStdString(name) + QStringLiteral(":latest")));
    }
    DeployedModelsPage page(m_context);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 2; }, 5000));
    auto* table = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    ASSERT_NE(table, nullptr);
    // Newest first.
    EXPECT_EQ(table->model()->index(0, 0).data().toString(), QStringLiteral("newer"));
    page.selectOllamaName(QStringLiteral("newer"));
    const QString uuid = page.currentUuid();
    ASSERT_FALSE(uuid.isEmpty());
    ASSERT_EQ(table->selectionModel()->selectedRows().value(0).row(), 0);

    const auto deployed = cli({QStringLiteral("deploy"), QString::fromStdString(saved), QStringLiteral("--url"),
                               server.url(), QStringLiteral("--quantize"), QStringLiteral("no_quantization")});
    ASSERT_EQ(deployed.exitCode, 0) << deployed.err;
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 3; }, 10000));
    // The new record sorts above: the selection moved down with its record.
    EXPECT_EQ(page.currentUuid(), uuid);
    EXPECT_EQ(page.currentOllamaName(), QStringLiteral("newer"));
    EXPECT_EQ(table->selectionModel()->selectedRows().value(0).row(), 1);

    // A refresh by the CLI changes the rows in place; the selection stays.
    const auto refreshed = cli({QStringLiteral("deployed"), QStringLiteral("--refresh")});
    ASSERT_EQ(refreshed.exitCode, 0) << refreshed.err;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            const auto* record = page.model()->find(uuid);
            return record && !record->refreshedAt.empty();
        },
        10000));
    EXPECT_EQ(page.currentUuid(), uuid);
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}
