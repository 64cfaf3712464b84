// The GUI entry: deepext [--workspace DIR]. Shares the CLI's default workspace through the application name.
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "gui/Icons.h"
#include "gui/MainWindow.h"
#include "gui/MessageBoxPrompts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <optional>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("deepext"));
    QApplication::setApplicationDisplayName(QStringLiteral("DeepExtension"));
    QApplication::setApplicationVersion(QStringLiteral(DEEPEXT_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("deepext"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "DeepExtension Desktop: merge LoRA adapters into their base models and deploy them to Ollama."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption workspaceOption(
        QStringLiteral("workspace"),
        QApplication::translate("main",
                                "The workspace folder (default: $DEEPEXT_WORKSPACE, else ~/.local/share/deepext)."),
        QStringLiteral("DIR"));
    parser.addOption(workspaceOption);
    parser.process(app);

    deepext::logging::init({"info", false, {}});
    deepext::gui::Icons::initResources();
    QApplication::setWindowIcon(deepext::gui::Icons::app());
    deepext::gui::MessageBoxPrompts prompts;

    std::optional<deepext::Workspace> workspace;
    try {
        const std::string location = deepext::Workspace::resolveLocation(parser.value(workspaceOption).toStdString());
        // Opening creates the layout and clears what crashed operations left: small, and needed before the window.
        workspace = deepext::Workspace::open(location);
        deepext::logging::setLogDirectory(workspace->logsDir());
    } catch (const deepext::Error& error) {
        prompts.showError(QApplication::translate("main", "The workspace cannot be opened: %1")
                              .arg(QString::fromStdString(error.message())),
                          QString::fromStdString(error.details()));
        return 1;
    }

    deepext::gui::MainWindow window(*workspace, prompts);
    window.show();
    QTimer::singleShot(0, &window, &deepext::gui::MainWindow::offerDemoIfEmpty);
    return QApplication::exec();
}
