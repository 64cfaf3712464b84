#pragma once

#include <QMainWindow>

#include <memory>

class QLabel;

namespace Ui {
class MainWindow;
}

namespace deepext {
class Workspace;
}

namespace deepext::gui {

class AppContext;
class BaseModelsPage;
class DeployedModelsPage;
class IUserPrompts;
class LogModel;
class SavedModelsPage;
class TrainedModelsPage;

// The window: a navigation list beside the four pages, a toolbar, running jobs in the status bar and the app's
// log in a dock. It owns the AppContext (worker pool, network, watcher) and drains it before the pages go.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    enum class Page
    {
        BaseModels,
        TrainedModels,
        SavedModels,
        DeployedModels,
    };

    MainWindow(const Workspace& workspace, IUserPrompts& prompts, QWidget* parent = nullptr);
    ~MainWindow() override;

    AppContext& context() const { return *m_context; }
    BaseModelsPage* baseModelsPage() const { return m_basePage; }
    TrainedModelsPage* trainedModelsPage() const { return m_trainedPage; }
    SavedModelsPage* savedModelsPage() const { return m_savedPage; }
    DeployedModelsPage* deployedModelsPage() const { return m_deployedPage; }
    LogModel* logModel() const { return m_logModel; }
    Page currentPage() const;
    bool isQuitPending() const { return m_quitWhenDone; }

signals:
    // The first-run check is over (demo created, declined, or not needed).
    void firstRunDone(bool demoCreated);
    // The user asked to quit while jobs ran and chose to wait for them (or to cancel them): the window closes
    // when the last one ends.
    void quitPending();

public slots:
    void showPage(deepext::gui::MainWindow::Page page);
    void refreshAll();
    // On an empty workspace, offers to create the demo (DemoGenerator::seed, off the GUI thread).
    void offerDemoIfEmpty();
    void showEnvironments();
    void showAbout();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void addPage(QWidget* page, const QString& title, const QIcon& icon);
    void deleteCurrent();
    void updateActions();
    void updateJobs();
    // Whether the window may close now: asks when saves, deploys or exports run (cancel them, quit when they are
    // done, or stay).
    bool mayCloseNow();
    void restoreSettings();
    void saveSettings() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    std::unique_ptr<AppContext> m_context;
    LogModel* m_logModel;
    BaseModelsPage* m_basePage = nullptr;
    TrainedModelsPage* m_trainedPage = nullptr;
    SavedModelsPage* m_savedPage = nullptr;
    DeployedModelsPage* m_deployedPage = nullptr;
    QLabel* m_jobsLabel = nullptr;
    bool m_quitWhenDone = false; // the user chose to quit once the running jobs have ended (or been cancelled)
};

} // namespace deepext::gui
