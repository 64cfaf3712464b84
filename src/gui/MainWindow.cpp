#include "gui/MainWindow.h"

#include "ui_MainWindow.h"

#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "gui/AddBaseModelDialog.h"
#include "gui/AddTrainedModelDialog.h"
#include "gui/AppContext.h"
#include "gui/BaseModelsPage.h"
#include "gui/DeployedModelsPage.h"
#include "gui/EnvironmentsDialog.h"
#include "gui/IUserPrompts.h"
#include "gui/Icons.h"
#include "gui/JobTracker.h"
#include "gui/LogModel.h"
#include "gui/SavedModelsPage.h"
#include "gui/TrainedModelsPage.h"

#include <QAbstractButton>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QSettings>
#include <QtGlobal>

#ifndef DEEPEXT_VERSION
#define DEEPEXT_VERSION "unknown"
#endif

namespace deepext::gui {
namespace {

constexpr const char* GeometryKey = "MainWindow/geometry";
constexpr const char* StateKey = "MainWindow/state";
constexpr const char* PageKey = "MainWindow/page";

struct WorkspaceEmptiness
{
    bool empty = false;
};

} // namespace

MainWindow::MainWindow(const Workspace& workspace, IUserPrompts& prompts, QWidget* parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_context(std::make_unique<AppContext>(workspace, prompts))
    , m_logModel(new LogModel(this))
{
    Icons::initResources();
    m_ui->setupUi(this);
    setWindowTitle(tr("DeepExtension"));
    setWindowIcon(Icons::app());
    m_ui->refreshAction->setIcon(Icons::get("refresh", QStyle::SP_BrowserReload));
    m_ui->saveAction->setIcon(Icons::get("save", QStyle::SP_DialogSaveButton));
    m_ui->deployAction->setIcon(Icons::get("deploy", QStyle::SP_ArrowUp));
    m_ui->deleteAction->setIcon(Icons::get("delete", QStyle::SP_TrashIcon));
    m_ui->environmentsAction->setIcon(Icons::get("settings", QStyle::SP_FileDialogDetailedView));

    m_basePage = new BaseModelsPage(*m_context, this);
    m_trainedPage = new TrainedModelsPage(*m_context, this);
    m_savedPage = new SavedModelsPage(*m_context, this);
    m_deployedPage = new DeployedModelsPage(*m_context, this);
    addPage(m_basePage, tr("Base Models"), Icons::get("base", QStyle::SP_DriveHDIcon));
    addPage(m_trainedPage, tr("Trained Models"), Icons::get("trained", QStyle::SP_FileIcon));
    addPage(m_savedPage, tr("Saved Models"), Icons::get("saved", QStyle::SP_DirIcon));
    addPage(m_deployedPage, tr("Deployed Models"), Icons::get("deployed", QStyle::SP_ComputerIcon));
    connect(m_ui->navigationListWidget, &QListWidget::currentRowChanged, this, [this](int row) {
        m_ui->pagesStackedWidget->setCurrentIndex(row);
        updateActions();
    });

    // The dock's own close button shows only an icon; say what it does.
    if (auto* close = m_ui->logDockWidget->findChild<QAbstractButton*>(QStringLiteral("qt_dockwidget_closebutton"))) {
        close->setToolTip(tr("Hide the log (View → Log shows it again)"));
    }
    m_ui->logListView->setModel(m_logModel);
    connect(m_logModel, &QAbstractItemModel::rowsInserted, m_ui->logListView, &QListView::scrollToBottom);
    m_ui->viewMenu->addAction(m_ui->logDockWidget->toggleViewAction());
    m_ui->viewMenu->addAction(m_ui->mainToolBar->toggleViewAction());

    m_jobsLabel = new QLabel(this);
    m_jobsLabel->setObjectName(QStringLiteral("jobsLabel"));
    statusBar()->addWidget(m_jobsLabel, 1);
    auto* workspaceLabel =
        new QLabel(tr("Workspace: %1").arg(QDir::toNativeSeparators(QString::fromStdString(workspace.root()))), this);
    workspaceLabel->setObjectName(QStringLiteral("workspaceLabel"));
    statusBar()->addPermanentWidget(workspaceLabel);
    connect(m_context->jobs(), &JobTracker::changed, this, &MainWindow::updateJobs);
    updateJobs();

    connect(m_ui->refreshAction, &QAction::triggered, this, &MainWindow::refreshAll);
    connect(m_ui->filterAction, &QAction::triggered, this, [this] {
        showPage(Page::SavedModels);
        m_savedPage->focusFilter();
    });
    connect(m_ui->saveAction, &QAction::triggered, this, [this] {
        showPage(Page::TrainedModels);
        m_trainedPage->saveSelected();
    });
    connect(m_ui->deployAction, &QAction::triggered, this, [this] {
        showPage(Page::SavedModels);
        m_savedPage->deploySelected();
    });
    connect(m_ui->deleteAction, &QAction::triggered, this, &MainWindow::deleteCurrent);
    connect(m_ui->environmentsAction, &QAction::triggered, this, &MainWindow::showEnvironments);
    connect(m_ui->addBaseModelAction, &QAction::triggered, this, [this] {
        showPage(Page::BaseModels);
        m_basePage->addBaseModel();
    });
    connect(m_ui->addTrainedModelAction, &QAction::triggered, this, [this] {
        showPage(Page::TrainedModels);
        m_trainedPage->addTrainedModel();
    });
    connect(m_ui->aboutAction, &QAction::triggered, this, &MainWindow::showAbout);
    connect(m_ui->quitAction, &QAction::triggered, this, &QWidget::close);
    // A finished save shows its result where it lives.
    connect(m_trainedPage, &TrainedModelsPage::saveSucceeded, this, [this] { showPage(Page::SavedModels); });

    restoreSettings();
    updateActions();
    logging::ui()->info("window opened on workspace {}", workspace.root());
}

MainWindow::~MainWindow()
{
    // Stop and drain every job before the pages that receive their results go; the pages go before the context
    // they refer to.
    m_context->shutdown();
    delete m_basePage;
    delete m_trainedPage;
    delete m_savedPage;
    delete m_deployedPage;
}

void MainWindow::addPage(QWidget* page, const QString& title, const QIcon& icon)
{
    m_ui->pagesStackedWidget->addWidget(page);
    auto* item = new QListWidgetItem(icon, title, m_ui->navigationListWidget);
    item->setSizeHint(QSize(0, 36));
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(std::max(0, m_ui->pagesStackedWidget->currentIndex()));
}

void MainWindow::showPage(Page page)
{
    m_ui->navigationListWidget->setCurrentRow(static_cast<int>(page));
}

void MainWindow::refreshAll()
{
    m_basePage->reload();
    m_trainedPage->reload();
    m_savedPage->reload();
    m_deployedPage->reload();
}

void MainWindow::deleteCurrent()
{
    switch (currentPage()) {
    case Page::SavedModels:
        m_savedPage->deleteSelected();
        break;
    case Page::DeployedModels:
        m_deployedPage->removeSelected();
        break;
    default:
        break;
    }
}

void MainWindow::updateActions()
{
    const Page page = currentPage();
    m_ui->deleteAction->setEnabled(page == Page::SavedModels || page == Page::DeployedModels);
}

void MainWindow::updateJobs()
{
    const QStringList jobs = m_context->jobs()->texts();
    QString text =
        jobs.isEmpty()
            ? tr("Ready")
            : tr("%n job(s) running: %1", nullptr, static_cast<int>(jobs.size())).arg(jobs.join(QStringLiteral(" · ")));
    if (m_quitWhenDone) {
        if (m_context->jobs()->cancellableCount() == 0) {
            // Queued: the job's own end() call returns before the window goes.
            QMetaObject::invokeMethod(this, &QWidget::close, Qt::QueuedConnection);
        }
        text = tr("Quitting when the running jobs end · %1").arg(text);
    }
    m_jobsLabel->setText(text);
}

void MainWindow::offerDemoIfEmpty()
{
    m_context->run(
        this,
        [workspace = m_context->workspace()] {
            return WorkspaceEmptiness{
                workspace.baseModels().empty() && workspace.trainedModels().empty() &&
                QDir(QString::fromStdString(workspace.savedModelsDir())).isEmpty(QDir::Dirs | QDir::NoDotAndDotDot)};
        },
        [this](JobOutcome<WorkspaceEmptiness> outcome) {
            if (!outcome.ok() || !outcome.value->empty) {
                emit firstRunDone(false);
                return;
            }
            if (!m_context->prompts().confirm(
                    tr("Welcome to DeepExtension"),
                    tr("This workspace is empty. Create the demo: a small Llama base model, a LoRA adapter trained "
                       "for it and a Deployment Template File? You can then Save, read the model card and Deploy at "
                       "once."),
                    {}, tr("Create Demo"))) {
                emit firstRunDone(false);
                return;
            }
            const int job = m_context->jobs()->begin(tr("Creating the demo"));
            m_context->run(
                this,
                [workspace = m_context->workspace()] { return QString::fromStdString(DemoGenerator::seed(workspace)); },
                [this, job](JobOutcome<QString> seeded) {
                    m_context->jobs()->end(job);
                    if (!seeded.ok()) {
                        m_context->prompts().showError(
                            tr("The demo could not be created: %1").arg(seeded.failure.message),
                            seeded.failure.details);
                        emit firstRunDone(false);
                        return;
                    }
                    emit m_context->registryChanged();
                    m_trainedPage->selectModel(*seeded.value);
                    showPage(Page::TrainedModels);
                    emit firstRunDone(true);
                });
        });
}

void MainWindow::showEnvironments()
{
    auto* dialog = new EnvironmentsDialog(*m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showAbout()
{
    m_context->prompts().showInformation(
        tr("About DeepExtension"),
        tr("DeepExtension Desktop %1\n\nMerges LoRA adapters into their base models, keeps the saved models with "
           "their model cards, and deploys them to Ollama.\n\nQt %2 (built with %3)")
            .arg(QStringLiteral(DEEPEXT_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!mayCloseNow()) {
        event->ignore();
        return;
    }
    saveSettings();
    QMainWindow::closeEvent(event);
}

bool MainWindow::mayCloseNow()
{
    JobTracker* jobs = m_context->jobs();
    const QStringList running = jobs->cancellableTexts();
    if (running.isEmpty()) {
        return true;
    }
    const int choice = m_context->prompts().choose(
        tr("Quit DeepExtension?"),
        tr("%n job(s) still running:\n%1\n\nCancel them now (a cancelled save keeps nothing, a cancelled deploy is "
           "recorded as cancelled), keep them running and quit when they are done, or don't quit.",
           nullptr, static_cast<int>(running.size()))
            .arg(running.join(QLatin1Char('\n'))),
        {tr("Keep Running, Quit When Done"), tr("Cancel Them and Quit"), tr("Don't Quit")});
    if (choice != 0 && choice != 1) {
        if (m_quitWhenDone) {
            m_quitWhenDone = false; // asked again, the user stays after all
            updateJobs();
        }
        return false;
    }
    m_quitWhenDone = true;
    if (choice == 1) {
        logging::ui()->info("quitting: cancelling {} running job(s)", running.size());
        jobs->cancelAll();
    } else {
        logging::ui()->info("quitting once {} running job(s) end", running.size());
    }
    // Cancelling finishes on the event loop (a deploy records "cancelled", a save removes its staging): the window
    // closes when the last job has ended (updateJobs), never with one half done.
    updateJobs();
    emit quitPending();
    return false;
}

void MainWindow::restoreSettings()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(GeometryKey)).toByteArray())) {
        resize(1280, 820);
    }
    if (!restoreState(settings.value(QLatin1String(StateKey)).toByteArray())) {
        // First start: the log is a strip at the bottom, the pages get the room.
        resizeDocks({m_ui->logDockWidget}, {130}, Qt::Vertical);
    }
    const int page = settings.value(QLatin1String(PageKey), static_cast<int>(Page::SavedModels)).toInt();
    showPage(static_cast<Page>(std::clamp(page, 0, 3)));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QLatin1String(GeometryKey), saveGeometry());
    settings.setValue(QLatin1String(StateKey), saveState());
    settings.setValue(QLatin1String(PageKey), static_cast<int>(currentPage()));
}

} // namespace deepext::gui
