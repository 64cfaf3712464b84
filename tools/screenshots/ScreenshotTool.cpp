// deepext_screenshots: the window on a workspace, every page photographed into PNG files (scripts/screenshots.sh
// prepares the workspace and runs this offscreen, in a light and a dark palette and at 200 %).
//   deepext_screenshots --workspace DIR --out DIR [--palette light|dark] [--suffix TEXT] [--pages LIST]
// writes <out>/<page>-<suffix or palette>.png for each page of LIST (default: base,trained,saved,deployed); "try" in
// LIST also writes try-chat-<suffix>.png, the Try dialog of the newest deployment two turns into a conversation;
// --deploying ENV writes deploying-<suffix>.png, the Deployed Models page while the saved model deploys in the
// background to ENV (a server that holds the create, so the picture catches it).
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeployOperation.h"
#include "gui/AppContext.h"
#include "gui/BaseModelsPage.h"
#include "gui/CardPane.h"
#include "gui/DeployJob.h"
#include "gui/DeployJobs.h"
#include "gui/DeployedModelsPage.h"
#include "gui/DeploymentTableModel.h"
#include "gui/EvaluateDialog.h"
#include "gui/IUserPrompts.h"
#include "gui/MainWindow.h"
#include "gui/SavedModelListModel.h"
#include "gui/SavedModelsPage.h"
#include "gui/TrainedModelsPage.h"
#include "gui/TryChatDialog.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QPalette>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QStyleFactory>
#include <QTableView>
#include <QTableWidget>

#include <cstdio>
#include <functional>

using namespace deepext;

namespace {

// The window asks nothing here; anything it would show is printed, and makes the run fail.
class PrintingPrompts final : public gui::IUserPrompts
{
public:
    void showError(const QString& message, const QString& details) override
    {
        std::fprintf(stderr, "error: %s\n%s\n", qPrintable(message), qPrintable(details));
        ++problems;
    }
    void showWarning(const QString& message, const QString& details) override
    {
        std::fprintf(stderr, "warning: %s\n%s\n", qPrintable(message), qPrintable(details));
        ++problems;
    }
    void showInformation(const QString&, const QString&, const QString&) override {}
    bool confirm(const QString&, const QString&, const QString&, const QString&) override { return false; }
    int choose(const QString&, const QString&, const QStringList&, const QString&) override { return -1; }
    int confirmWithOption(const QString&, const QString&, const QString&, const QStringList&, int,
                          const QString&) override
    {
        return -1;
    }
    QString askOpenFile(const QString&, const QString&) override { return {}; }
    QString askDirectory(const QString&) override { return {}; }
    QString askSaveFile(const QString&, const QString&, const QString&) override { return {}; }
    int problems = 0;
};

bool waitFor(const std::function<bool()>& condition, int timeoutMs = 20000)
{
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > timeoutMs) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// Fusion's dark variant, as dark desktop themes set it.
QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor base(0x1e, 0x1e, 0x20);
    const QColor text(0xe8, 0xe8, 0xe8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x28, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Light, QColor(0x45, 0x45, 0x48));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::Mid, QColor(0x25, 0x25, 0x27));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x19));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

// Try… on the newest deployment (the first row), two turns with the model and a third prompt being typed.
bool shootTryChat(gui::MainWindow& window, const QString& outDir, const QString& suffix)
{
    window.showPage(gui::MainWindow::Page::DeployedModels);
    auto* table = window.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
    if (!waitFor([&] { return window.deployedModelsPage()->recordCount() > 0; })) {
        std::fprintf(stderr, "error: no deployments to try\n");
        return false;
    }
    table->selectRow(0);
    auto* tryButton = window.findChild<QPushButton*>(QStringLiteral("tryButton"));
    if (!tryButton->isEnabled()) {
        std::fprintf(stderr, "error: the newest deployment cannot be tried\n");
        return false;
    }
    tryButton->click();
    auto* dialog = window.findChild<gui::TryChatDialog*>();
    if (!dialog || !waitFor([dialog] { return dialog->isReady(); })) {
        std::fprintf(stderr, "error: the Try dialog never became ready\n");
        return false;
    }
    auto* prompt = dialog->findChild<QPlainTextEdit*>(QStringLiteral("promptPlainTextEdit"));
    for (const QString& text : {QStringLiteral("In one sentence: what is a LoRA adapter?"),
                                QStringLiteral("And what does merging it into the base model change?")}) {
        prompt->setPlainText(text);
        dialog->send();
        if (!waitFor([dialog] { return !dialog->isStreaming(); })) {
            std::fprintf(stderr, "error: the model never finished its reply\n");
            return false;
        }
    }
    prompt->setPlainText(QStringLiteral("Thanks! One more question"));
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    const QString file = QDir(outDir).filePath(QStringLiteral("try-chat-%1.png").arg(suffix));
    if (!dialog->grab().save(file)) {
        std::fprintf(stderr, "error: cannot write %s\n", qPrintable(file));
        return false;
    }
    std::printf("wrote %s\n", qPrintable(file));
    dialog->close();
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // A settings folder of its own: the window opens at its default size, not at the size someone left it.
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("deepext-screenshots"));
    QSettings().clear();

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption workspaceOption(QStringLiteral("workspace"), QStringLiteral("The workspace."),
                                             QStringLiteral("DIR"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Where the PNG files go."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption paletteOption(QStringLiteral("palette"), QStringLiteral("light or dark."),
                                           QStringLiteral("NAME"), QStringLiteral("light"));
    const QCommandLineOption suffixOption(
        QStringLiteral("suffix"), QStringLiteral("File name suffix (default: the palette)."), QStringLiteral("TEXT"));
    const QCommandLineOption pagesOption(QStringLiteral("pages"), QStringLiteral("Comma-separated pages."),
                                         QStringLiteral("LIST"), QStringLiteral("base,trained,saved,deployed"));
    const QCommandLineOption savedOption(QStringLiteral("saved"),
                                         QStringLiteral("The saved model to show (default: the newest)."),
                                         QStringLiteral("NAME"));
    const QCommandLineOption deployingOption(
        QStringLiteral("deploying"),
        QStringLiteral("Also shoot the Deployed Models page (deploying-<suffix>.png) while --saved deploys in the "
                       "background to this environment, after the rest."),
        QStringLiteral("ENV"));
    const QCommandLineOption evaluateOption(
        QStringLiteral("evaluate"),
        QStringLiteral("Also shoot the Evaluate dialog (evaluate-<suffix>.png) running this prompt file against every "
                       "deployed model, after the pages."),
        QStringLiteral("FILE.jsonl"));
    parser.addOptions({workspaceOption, outOption, paletteOption, suffixOption, pagesOption, savedOption,
                       evaluateOption, deployingOption});
    parser.process(app);
    if (!parser.isSet(workspaceOption) || !parser.isSet(outOption)) {
        std::fprintf(stderr, "usage: deepext_screenshots --workspace DIR --out DIR [--palette light|dark]\n");
        return 2;
    }
    const bool dark = parser.value(paletteOption) == QLatin1String("dark");
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(dark ? darkPalette() : QApplication::style()->standardPalette());
    const QString suffix = parser.isSet(suffixOption) ? parser.value(suffixOption) : parser.value(paletteOption);
    QDir().mkpath(parser.value(outOption));

    const Workspace workspace = Workspace::open(parser.value(workspaceOption).toStdString());
    PrintingPrompts prompts;
    gui::MainWindow window(workspace, prompts);
    if (parser.isSet(savedOption)) {
        window.savedModelsPage()->selectModel(parser.value(savedOption));
    }
    window.show();

    struct Shot
    {
        const char* name;
        gui::MainWindow::Page page;
        std::function<bool()> ready;
    };
    const auto paneReady = [&](const char* paneName) {
        return [&window, paneName] {
            const auto* pane = window.findChild<gui::CardPane*>(QLatin1String(paneName));
            return pane && !pane->isEmpty();
        };
    };
    const std::vector<Shot> shots{
        {"base-models", gui::MainWindow::Page::BaseModels, paneReady("baseCardPane")},
        {"trained-models", gui::MainWindow::Page::TrainedModels, paneReady("trainedCardPane")},
        {"saved-models", gui::MainWindow::Page::SavedModels,
         [&window, &parser, &savedOption, ready = paneReady("cardPane")] {
             return ready() && (!parser.isSet(savedOption) ||
                                window.savedModelsPage()->currentName() == parser.value(savedOption));
         }},
        // The same card further down: the files with their hashes, the deployments with their badges.
        {"saved-models-files", gui::MainWindow::Page::SavedModels,
         [&window] {
             auto* pane = window.findChild<gui::CardPane*>(QStringLiteral("cardPane"));
             for (const QLabel* title : pane->findChildren<QLabel*>(QStringLiteral("cardSectionTitle"))) {
                 if (title->text() == QLatin1String("Files")) {
                     pane->scrollArea()->verticalScrollBar()->setValue(
                         title->mapTo(pane->scrollArea()->widget(), QPoint(0, 0)).y() - 8);
                     return true;
                 }
             }
             return false;
         }},
        {"deployed-models", gui::MainWindow::Page::DeployedModels,
         [&window] {
             if (window.deployedModelsPage()->recordCount() == 0) {
                 return false;
             }
             // The newest record (the first row) selected, as a user would after a deploy.
             auto* table = window.findChild<QTableView*>(QStringLiteral("deploymentsTableView"));
             if (!table->selectionModel()->hasSelection()) {
                 table->selectRow(0);
             }
             const auto* pane = window.findChild<gui::CardPane*>(QStringLiteral("deploymentCardPane"));
             return pane && !pane->isEmpty();
         }},
    };
    const QStringList wanted = parser.value(pagesOption).split(QLatin1Char(','));
    for (const Shot& shot : shots) {
        const QString page = QString::fromLatin1(shot.name).section(QLatin1Char('-'), 0, 0);
        if (!wanted.contains(page)) {
            continue;
        }
        window.showPage(shot.page);
        if (!waitFor(shot.ready)) {
            std::fprintf(stderr, "error: the %s page never showed its card\n", shot.name);
            return 1;
        }
        // Deferred layouts and the pane's palette-driven rebuilds are posted events: let them run before the grab.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        const QString file =
            QDir(parser.value(outOption)).filePath(QStringLiteral("%1-%2.png").arg(QLatin1String(shot.name), suffix));
        if (!window.grab().save(file)) {
            std::fprintf(stderr, "error: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("wrote %s\n", qPrintable(file));
    }
    if (wanted.contains(QStringLiteral("try")) && !shootTryChat(window, parser.value(outOption), suffix)) {
        return 1;
    }
    if (parser.isSet(evaluateOption)) {
        // Opened from the page, as a user would, with every deployed model checked and the run finished.
        window.showPage(gui::MainWindow::Page::DeployedModels);
        window.deployedModelsPage()->evaluate();
        auto* dialog = window.findChild<gui::EvaluateDialog*>();
        if (!dialog || !waitFor([dialog] { return dialog->isLoaded(); })) {
            std::fprintf(stderr, "error: the Evaluate dialog did not list the deployments\n");
            return 1;
        }
        auto* list = dialog->findChild<QListWidget*>(QStringLiteral("deploymentsListWidget"));
        for (int row = 0; row < list->count(); ++row) {
            list->item(row)->setCheckState(Qt::Checked);
        }
        dialog->setPromptFile(parser.value(evaluateOption));
        dialog->resize(1000, 720);
        dialog->run();
        if (!waitFor([dialog] { return !dialog->isBusy() && !dialog->keptResultFiles().isEmpty(); }, 60000)) {
            std::fprintf(stderr, "error: the evaluation did not finish\n");
            return 1;
        }
        dialog->findChild<QTableWidget*>(QStringLiteral("resultsTableWidget"))->setCurrentCell(0, 1);
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        const QString file = QDir(parser.value(outOption)).filePath(QStringLiteral("evaluate-%1.png").arg(suffix));
        if (!dialog->grab().save(file)) {
            std::fprintf(stderr, "error: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("wrote %s\n", qPrintable(file));
    }
    if (parser.isSet(deployingOption)) {
        // Started as the deploy dialog starts it; the dialog is closed, the page shows the job on its row.
        DeployOptions options;
        options.environment = parser.value(deployingOption).toStdString();
        options.quantization = "q8_0";
        const std::string saved = parser.value(savedOption).toStdString();
        gui::DeployJob* job =
            window.context().deploys()->start(DeployOperation::resolve(workspace, saved, options), false, false);
        window.showPage(gui::MainWindow::Page::DeployedModels);
        gui::DeployedModelsPage* page = window.deployedModelsPage();
        const QString uuid = job->uuid();
        if (!waitFor([&] {
                return job->phase() == QLatin1String("creating the model") && page->model()->rowOf(uuid) >= 0;
            })) {
            std::fprintf(stderr, "error: the background deploy never reached its create\n");
            return 1;
        }
        page->selectUuid(uuid);
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        const QString file = QDir(parser.value(outOption)).filePath(QStringLiteral("deploying-%1.png").arg(suffix));
        if (!window.grab().save(file)) {
            std::fprintf(stderr, "error: cannot write %s\n", qPrintable(file));
            return 1;
        }
        std::printf("wrote %s\n", qPrintable(file));
    }
    return prompts.problems == 0 ? 0 : 1;
}
