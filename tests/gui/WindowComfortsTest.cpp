// The window as a user finds it: every page's card pane at the default window size, the Saved Models list's context
// menu, folders dropped on the Base and Trained Models pages, remembered column widths and splitters, the keyboard.
#include "GuiFixtures.h"
#include "PaletteScope.h"
#include "RecordingPrompts.h"
#include "deepext/base/Workspace.h"
#include "gui/AddBaseModelDialog.h"
#include "gui/AddTrainedModelDialog.h"
#include "gui/AppContext.h"
#include "gui/BaseModelsPage.h"
#include "gui/CardPane.h"
#include "gui/DeployDialog.h"
#include "gui/DeployedModelsPage.h"
#include "gui/ElidedLabel.h"
#include "gui/ExportGgufDialog.h"
#include "gui/MainWindow.h"
#include "gui/SavedModelsPage.h"
#include "gui/StatusBadge.h"
#include "gui/TrainedModelsPage.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

using namespace deepext;
using namespace deepext::gui;

namespace {

// What the window remembers between runs, forgotten so it opens as it would the first time.
void forgetWindowLayout()
{
    QSettings settings;
    for (const char* group :
         {"MainWindow", "SavedModelsPage", "BaseModelsPage", "TrainedModelsPage", "DeployedModelsPage"}) {
        settings.remove(QLatin1String(group));
    }
}

class WindowComfortsTest : public ::testing::Test
{
protected:
    void SetUp() override { forgetWindowLayout(); }
    void TearDown() override { forgetWindowLayout(); }

    // The demo saved, with one deployment that worked and one that failed.
    void seedWithDeployments()
    {
        m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
        DeploymentRecord deployed =
            test::addDeploymentRecord(m_workspace, m_saved.toStdString(), m_saved.toStdString() + "_d_beef_q8_0");
        DeploymentRecord failed =
            test::addDeploymentRecord(m_workspace, m_saved.toStdString(), m_saved.toStdString() + "_d_dead_q4_K_M");
        failed.status = DeploymentStatus::Failed;
        failed.message = "quantization is only supported for F16 and F32 models";
        failed.startedAt = "2025-01-02T03:06:05Z";
        m_workspace.upsertDeployment(failed);
        Q_UNUSED(deployed);
    }

    static void sendDrop(QWidget* page, const QList<QUrl>& urls)
    {
        QMimeData mime;
        mime.setUrls(urls);
        const QPoint at = page->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(page, &enter);
        ASSERT_TRUE(enter.isAccepted()) << "the page refused the drag";
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(page, &drop);
    }

    template <typename T>
    static T* visibleChild(const QObject& parent)
    {
        for (T* found : parent.findChildren<T*>()) {
            if (found->isVisible()) {
                return found;
            }
        }
        return nullptr;
    }

    QTemporaryDir m_dir;
    Workspace m_workspace{Workspace::open(m_dir.path().toStdString())};
    test::RecordingPrompts m_prompts;
    QString m_saved;
};

} // namespace

TEST_F(WindowComfortsTest, EveryPage_CardPaneWithNameCopyAndNoHorizontalScrollBarAtTheDefaultSize)
{
    seedWithDeployments();
    for (const auto palette : {test::PaletteScope::Kind::Light, test::PaletteScope::Kind::Dark}) {
        const test::PaletteScope scope(palette);
        MainWindow window(m_workspace, m_prompts);
        QStringList opened;
        window.context().setFolderOpener([&](const QString& folder) { opened << folder; });
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
        EXPECT_EQ(window.size(), QSize(1280, 820));

        struct PageCase
        {
            MainWindow::Page page;
            const char* pane;
            std::function<QString()> selected;
        };
        const std::vector<PageCase> pages{
            {MainWindow::Page::BaseModels, "baseCardPane", [&] { return window.baseModelsPage()->currentName(); }},
            {MainWindow::Page::TrainedModels, "trainedCardPane",
             [&] { return window.trainedModelsPage()->currentName(); }},
            {MainWindow::Page::SavedModels, "cardPane", [&] { return window.savedModelsPage()->currentName(); }},
            {MainWindow::Page::DeployedModels, "deploymentCardPane", [&] {
                 auto* table = window.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
                 if (!table->selectionModel()->hasSelection() && table->model()->rowCount() > 0) {
                     table->selectRow(0);
                 }
                 return window.deployedModelsPage()->currentOllamaName();
             }}};
        for (const PageCase& page : pages) {
            window.showPage(page.page);
            auto* pane = window.findChild<CardPane*>(QLatin1String(page.pane));
            ASSERT_NE(pane, nullptr) << page.pane;
            ASSERT_TRUE(QTest::qWaitFor(
                [&] { return !page.selected().isEmpty() && !pane->isEmpty() && pane->name() == page.selected(); },
                10000))
                << page.pane;
            QApplication::processEvents();
            EXPECT_TRUE(pane->isVisible());
            auto* name = pane->findChild<ElidedLabel*>(QStringLiteral("cardNameLabel"));
            EXPECT_EQ(name->fullText(), page.selected());
            EXPECT_TRUE(pane->findChild<QToolButton*>(QStringLiteral("copyNameButton"))->isVisible());
            EXPECT_TRUE(pane->findChild<QLabel*>(QStringLiteral("cardSummaryLabel"))->isVisible()) << page.pane;
            EXPECT_FALSE(pane->scrollArea()->horizontalScrollBar()->isVisible()) << page.pane;
            EXPECT_LE(pane->scrollArea()->widget()->minimumSizeHint().width(), pane->scrollArea()->viewport()->width())
                << page.pane;
            // Every path can be opened (through the window's opener).
            for (QToolButton* open : pane->findChildren<QToolButton*>(QStringLiteral("cardOpenFolderButton"))) {
                open->click();
            }
        }
        // The Saved Models card: a hash per file (the template snapshot among them) and the snapshot's own in its
        // Deployment template section, a badge per deployment.
        auto* saved = window.findChild<CardPane*>(QStringLiteral("cardPane"));
        EXPECT_EQ(saved->findChildren<QLineEdit*>(QStringLiteral("cardHashEdit")).size(), 7);
        QStringList badges;
        for (const StatusBadge* badge : saved->findChildren<StatusBadge*>()) {
            badges << badge->status();
        }
        badges.sort();
        EXPECT_EQ(badges, (QStringList{QStringLiteral("deployed"), QStringLiteral("failed")}));
        // The base model's folder and the adapter's were opened, and the folder of the file the template snapshot
        // came from (demo/Modelfile.template); nothing else.
        EXPECT_EQ(opened.size(), 5); // base: its folder; trained: the adapter; saved: base, adapter, template's folder
        EXPECT_EQ(std::count_if(opened.begin(), opened.end(),
                                [](const QString& folder) { return folder.endsWith(QStringLiteral("/demo")); }),
                  1)
            << opened.join(QLatin1Char(' ')).toStdString();
        EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
    }
}

TEST_F(WindowComfortsTest, SavedModelsContextMenu_OffersTheActionsAndRunsThePagesOwnPaths)
{
    m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    AppContext context(m_workspace, m_prompts);
    QStringList opened;
    context.setFolderOpener([&](const QString& folder) { opened << folder; });
    SavedModelsPage page(context);
    page.resize(1000, 600);
    page.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return page.currentName() == m_saved; }, 10000));
    auto* view = page.findChild<QListView*>(QStringLiteral("savedModelsListView"));
    auto* menu = page.findChild<QMenu*>(QStringLiteral("savedModelsContextMenu"));
    ASSERT_NE(menu, nullptr);
    QStringList texts;
    for (const QAction* action : menu->actions()) {
        if (!action->isSeparator()) {
            texts << action->text().remove(QLatin1Char('&'));
        }
    }
    EXPECT_EQ(texts, (QStringList{QStringLiteral("Deploy…"), QStringLiteral("Verify"), QStringLiteral("Export GGUF…"),
                                  QStringLiteral("Open Folder"), QStringLiteral("Copy Name"),
                                  QStringLiteral("Copy Path"), QStringLiteral("Delete…")}));

    // A right click on the model opens the menu there; each entry is clicked as a user would.
    const auto choose = [&](const char* actionName) {
        const QPoint at = view->visualRect(view->model()->index(0, 0)).center();
        QContextMenuEvent event(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &event);
        ASSERT_TRUE(QTest::qWaitFor([&] { return menu->isVisible(); }, 5000));
        QAction* action = menu->findChild<QAction*>(QLatin1String(actionName));
        ASSERT_NE(action, nullptr) << actionName;
        ASSERT_TRUE(action->isEnabled()) << actionName;
        QTest::mouseClick(menu, Qt::LeftButton, {}, menu->actionGeometry(action).center());
        ASSERT_TRUE(QTest::qWaitFor([&] { return !menu->isVisible(); }, 5000));
    };
    const QString path = QString::fromStdString(m_workspace.savedModelPath(m_saved.toStdString()));

    choose("copyNameContextAction");
    EXPECT_EQ(QApplication::clipboard()->text(), m_saved);
    choose("copyPathContextAction");
    EXPECT_EQ(QApplication::clipboard()->text(), path);
    choose("openFolderContextAction");
    EXPECT_EQ(opened, QStringList{path});
    // Export GGUF opens the page's own dialog for this model.
    choose("exportGgufContextAction");
    auto* exportDialog = page.findChild<ExportGgufDialog*>();
    ASSERT_NE(exportDialog, nullptr);
    EXPECT_TRUE(exportDialog->isVisible());
    EXPECT_TRUE(exportDialog->windowTitle().contains(m_saved));
    exportDialog->reject();

    // Delete asks exactly what the Delete button asks (declined here).
    m_prompts.queueConfirm(false);
    choose("deleteContextAction");
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 1; }, 5000));
    m_prompts.queueConfirm(false);
    QTest::mouseClick(page.findChild<QAbstractButton*>(QStringLiteral("deleteButton")), Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("confirm")) == 2; }, 5000));
    const QStringList confirms = m_prompts.texts(QStringLiteral("confirm"));
    EXPECT_EQ(confirms[0], confirms[1]);
    EXPECT_TRUE(confirms[0].contains(m_saved));

    // Verify runs the page's verify: every file matches.
    choose("verifyContextAction");
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("information")) == 1; }, 30000));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("information"))[0].contains(QStringLiteral("match their model card")));

    // Deploy opens the deploy dialog for this model.
    choose("deployContextAction");
    DeployDialog* dialog = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (dialog = visibleChild<DeployDialog>(page)) != nullptr; }, 5000));
    dialog->close();
    EXPECT_EQ(m_prompts.count(QStringLiteral("error")), 0);
}

TEST_F(WindowComfortsTest, Keyboard_TabOrderEnterMenuKeyAndCopy)
{
    m_saved = QString::fromStdString(test::seedDemoAndSave(m_workspace));
    MainWindow window(m_workspace, m_prompts);
    window.show();
    QApplication::setActiveWindow(&window);
    ASSERT_TRUE(QTest::qWaitForWindowActive(&window));
    window.showPage(MainWindow::Page::SavedModels);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.savedModelsPage()->currentName() == m_saved; }, 10000));

    // Tab goes from the filter through the list to the model's actions, then into its card.
    window.findChild<QLineEdit*>(QStringLiteral("filterLineEdit"))->setFocus(Qt::TabFocusReason);
    QStringList order{QApplication::focusWidget()->objectName()};
    for (int i = 0; i < 7; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        order << QApplication::focusWidget()->objectName();
    }
    EXPECT_EQ(order, (QStringList{QStringLiteral("filterLineEdit"), QStringLiteral("savedModelsListView"),
                                  QStringLiteral("deployButton"), QStringLiteral("verifyButton"),
                                  QStringLiteral("exportGgufButton"), QStringLiteral("openFolderButton"),
                                  QStringLiteral("deleteButton"), QStringLiteral("copyNameButton")}));

    auto* view = window.findChild<QListView*>(QStringLiteral("savedModelsListView"));
    view->setFocus(Qt::TabFocusReason);
    // Ctrl+C on the list copies the model's name.
    QApplication::clipboard()->clear();
    QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
    EXPECT_EQ(QApplication::clipboard()->text(), m_saved);
    // The Menu key opens the context menu at the model.
    auto* menu = window.findChild<QMenu*>(QStringLiteral("savedModelsContextMenu"));
    QContextMenuEvent key(QContextMenuEvent::Keyboard, QPoint(4, 4), view->viewport()->mapToGlobal(QPoint(4, 4)));
    QApplication::sendEvent(view->viewport(), &key);
    ASSERT_TRUE(QTest::qWaitFor([&] { return menu->isVisible(); }, 5000));
    QTest::keyClick(menu, Qt::Key_Escape);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !menu->isVisible(); }, 5000));
    // Enter deploys.
    view->setFocus(Qt::TabFocusReason);
    QTest::keyClick(view, Qt::Key_Return);
    DeployDialog* dialog = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (dialog = visibleChild<DeployDialog>(window)) != nullptr; }, 5000));
    dialog->close();

    // On the Trained Models page, Enter saves (after the confirmation, declined here).
    window.showPage(MainWindow::Page::TrainedModels);
    auto* trained = window.findChild<QListView*>(QStringLiteral("trainedModelsListView"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return !window.trainedModelsPage()->currentName().isEmpty(); }, 10000));
    trained->setFocus(Qt::TabFocusReason);
    m_prompts.queueConfirm(false);
    QTest::keyClick(trained, Qt::Key_Return);
    ASSERT_EQ(m_prompts.count(QStringLiteral("confirm")), 1);
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("confirm"))[0].startsWith(QStringLiteral("Save Trained Model")));
}

TEST_F(WindowComfortsTest, IconOnlyControls_HaveAccessibleNamesAndTooltips)
{
    seedWithDeployments();
    MainWindow window(m_workspace, m_prompts);
    window.show();
    int iconOnly = 0;
    for (const auto page : {MainWindow::Page::BaseModels, MainWindow::Page::TrainedModels,
                            MainWindow::Page::SavedModels, MainWindow::Page::DeployedModels}) {
        window.showPage(page);
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                const auto* pane = visibleChild<CardPane>(window);
                if (page == MainWindow::Page::DeployedModels && pane && pane->isEmpty()) {
                    window.findChild<QTableView*>(QStringLiteral("deploymentsTableView"))->selectRow(0);
                }
                return pane && !pane->isEmpty();
            },
            10000));
        QApplication::processEvents();
        // What a screen reader gets (QAccessible), for every visible button that shows only an icon: ours and the
        // ones Qt adds (the dock's, the filter's clear button).
        for (QAbstractButton* button : window.findChildren<QAbstractButton*>()) {
            if (!button->isVisible() || !button->text().isEmpty() || button->icon().isNull()) {
                continue;
            }
            ++iconOnly;
            const QAccessibleInterface* accessible = QAccessible::queryAccessibleInterface(button);
            ASSERT_NE(accessible, nullptr);
            const std::string what =
                button->objectName().toStdString() + " (" + button->metaObject()->className() + ")";
            EXPECT_FALSE(accessible->text(QAccessible::Name).isEmpty()) << what;
            EXPECT_FALSE(button->toolTip().isEmpty()) << what;
        }
    }
    EXPECT_GT(iconOnly, 20);
    for (const char* name : {"savedModelsListView", "baseModelsListView", "trainedModelsListView",
                             "deploymentsTableView", "navigationListWidget"}) {
        EXPECT_FALSE(window.findChild<QWidget*>(QLatin1String(name))->accessibleName().isEmpty()) << name;
    }
}

TEST_F(WindowComfortsTest, DropAFolder_OpensTheAddDialogFilledIn)
{
    QTemporaryDir folders;
    const QString baseFolder = folders.path() + QStringLiteral("/Llama-3.2-1B");
    const QString adapterFolder = folders.path() + QStringLiteral("/lora-run");
    ASSERT_TRUE(QDir().mkpath(baseFolder));
    ASSERT_TRUE(QDir().mkpath(adapterFolder));
    AppContext context(m_workspace, m_prompts);

    BaseModelsPage basePage(context);
    basePage.show();
    sendDrop(&basePage, {QUrl::fromLocalFile(baseFolder)});
    AddBaseModelDialog* baseDialog = nullptr;
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return (baseDialog = visibleChild<AddBaseModelDialog>(basePage)) != nullptr; }, 5000));
    EXPECT_EQ(baseDialog->findChild<QLineEdit*>(QStringLiteral("folderLineEdit"))->text(), baseFolder);
    baseDialog->close();

    TrainedModelsPage trainedPage(context);
    trainedPage.show();
    sendDrop(&trainedPage, {QUrl::fromLocalFile(adapterFolder)});
    AddTrainedModelDialog* trainedDialog = nullptr;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return (trainedDialog = visibleChild<AddTrainedModelDialog>(trainedPage)) != nullptr; }, 5000));
    EXPECT_EQ(trainedDialog->findChild<QLineEdit*>(QStringLiteral("folderLineEdit"))->text(), adapterFolder);
    trainedDialog->close();
    EXPECT_EQ(m_prompts.count(QStringLiteral("warning")), 0);
}

TEST_F(WindowComfortsTest, DropSomethingElse_IsRefusedWithAMessageAndNoDialog)
{
    QTemporaryDir folders;
    const QString file = folders.path() + QStringLiteral("/model.safetensors");
    std::ofstream(file.toStdString()) << "not a folder";
    AppContext context(m_workspace, m_prompts);
    BaseModelsPage page(context);
    page.show();

    sendDrop(&page, {QUrl::fromLocalFile(file)});
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("warning")) == 1; }, 5000));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("warning"))[0].contains(QStringLiteral("is not a folder")));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("warning"))[0].contains(file));

    sendDrop(&page, {QUrl::fromLocalFile(folders.path() + QStringLiteral("/gone"))});
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_prompts.count(QStringLiteral("warning")) == 2; }, 5000));
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("warning"))[1].contains(QStringLiteral("does not exist")));

    sendDrop(&page, {QUrl::fromLocalFile(folders.path()), QUrl::fromLocalFile(folders.path())});
    EXPECT_EQ(m_prompts.count(QStringLiteral("warning")), 3);
    EXPECT_TRUE(m_prompts.texts(QStringLiteral("warning"))[2].contains(QStringLiteral("one base model folder")));

    sendDrop(&page, {QUrl(QStringLiteral("https://huggingface.co/meta-llama/Llama-3.2-1B"))});
    EXPECT_EQ(m_prompts.count(QStringLiteral("warning")), 4);
    EXPECT_TRUE(
        m_prompts.texts(QStringLiteral("warning"))[3].contains(QStringLiteral("not a folder on this computer")));
    EXPECT_EQ(visibleChild<AddBaseModelDialog>(page), nullptr);
}

TEST_F(WindowComfortsTest, ColumnWidthsAndSplitters_RestoredWhenThePageIsMadeAgain)
{
    seedWithDeployments();
    AppContext context(m_workspace, m_prompts);
    int nameWidth = 0;
    QList<int> splitterSizes;
    {
        DeployedModelsPage page(context);
        page.resize(1000, 600);
        page.show();
        ASSERT_TRUE(QTest::qWaitFor([&] { return page.recordCount() == 2; }, 10000));
        auto* header = page.findChild<QTableView*>(QStringLiteral("deploymentsTableView"))->horizontalHeader();
        // As the user drags a column edge and the splitter handle.
        nameWidth = header->sectionSize(0) + 57;
        header->resizeSection(0, nameWidth);
        auto* splitter = page.findChild<QSplitter*>(QStringLiteral("deployedModelsSplitter"));
        QSplitterHandle* handle = splitter->handle(1);
        const QPoint grip = handle->rect().center();
        QTest::mousePress(handle, Qt::LeftButton, {}, grip);
        QTest::mouseMove(handle, grip - QPoint(0, 60));
        QTest::mouseRelease(handle, Qt::LeftButton, {}, grip - QPoint(0, 60));
        splitterSizes = splitter->sizes();
    }
    DeployedModelsPage again(context);
    again.resize(1000, 600);
    again.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return again.recordCount() == 2; }, 10000));
    QApplication::processEvents();
    EXPECT_EQ(again.findChild<QTableView*>(QStringLiteral("deploymentsTableView"))->horizontalHeader()->sectionSize(0),
              nameWidth);
    EXPECT_EQ(again.findChild<QSplitter*>(QStringLiteral("deployedModelsSplitter"))->sizes(), splitterSizes);

    // Without what was saved, the first load sizes the columns to fit the table.
    forgetWindowLayout();
    DeployedModelsPage fresh(context);
    fresh.resize(1000, 600);
    fresh.show();
    ASSERT_TRUE(QTest::qWaitFor([&] { return fresh.recordCount() == 2; }, 10000));
    QApplication::processEvents();
    auto* table = fresh.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    EXPECT_LE(table->horizontalHeader()->length(), table->viewport()->width());
    EXPECT_FALSE(table->horizontalScrollBar()->isVisible());
}
