// The GUI entry: deepext [--workspace DIR] [--quit-when-ready]. Shares the CLI's default workspace through the
// application name.
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Workspace.h"
#include "gui/Icons.h"
#include "gui/MainWindow.h"
#include "gui/MessageBoxPrompts.h"
#include "gui/UnattendedPrompts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <iostream>
#include <optional>

namespace {

QString usageText(const QCommandLineParser& parser)
{
    QString text = parser.helpText();
    // Before the application object exists Qt does not know the program's name; the usage line shows it.
    const QString marker = QStringLiteral("Usage: ");
    if (text.startsWith(marker)) {
        const qsizetype end = text.indexOf(QLatin1Char(' '), marker.size());
        text.replace(marker.size(), end - marker.size(), QStringLiteral("deepext"));
    }
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    // Static settings: they hold before the application object exists, which --help and --version must not need.
    QCoreApplication::setApplicationName(QStringLiteral("deepext"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DEEPEXT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "DeepExtension Desktop: merge LoRA adapters into their base models and deploy them to Ollama."));
    const QCommandLineOption helpOption({QStringLiteral("h"), QStringLiteral("help")},
                                        QCoreApplication::translate("main", "Print this help and exit."));
    const QCommandLineOption versionOption({QStringLiteral("v"), QStringLiteral("version")},
                                           QCoreApplication::translate("main", "Print the version and exit."));
    const QCommandLineOption workspaceOption(
        QStringLiteral("workspace"),
        QCoreApplication::translate("main",
                                    "The workspace folder (default: $DEEPEXT_WORKSPACE, else ~/.local/share/deepext)."),
        QStringLiteral("DIR"));
    const QCommandLineOption quitWhenReadyOption(
        QStringLiteral("quit-when-ready"),
        QCoreApplication::translate(
            "main", "Close the window by itself once it is shown and its first-run check is done; ask nothing, print "
                    "errors to stderr and exit 1 after any (a start-up check for scripts and tests)."));
    parser.addOption(helpOption);
    parser.addOption(versionOption);
    parser.addOption(workspaceOption);
    parser.addOption(quitWhenReadyOption);

    // --help and --version answer before QApplication exists, because constructing it connects to a display.
    // Qt's own options (-platform, -style, ...) are unknown to this first pass, so its errors wait for the second.
    QStringList arguments;
    for (int i = 0; i < argc; ++i) {
        arguments.append(QString::fromLocal8Bit(argv[i]));
    }
    parser.parse(arguments);
    if (parser.isSet(helpOption)) {
        std::cout << usageText(parser).toStdString();
        return 0;
    }
    if (parser.isSet(versionOption)) {
        std::cout << "deepext " << DEEPEXT_VERSION << '\n';
        return 0;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("DeepExtension"));
    QApplication::setDesktopFileName(QStringLiteral("deepext"));
    parser.process(app);
    const bool unattended = parser.isSet(quitWhenReadyOption);

    deepext::logging::init({"info", false, {}});
    deepext::gui::Icons::initResources();
    QApplication::setWindowIcon(deepext::gui::Icons::app());
    deepext::gui::MessageBoxPrompts messageBoxPrompts;
    deepext::gui::UnattendedPrompts unattendedPrompts;
    deepext::gui::IUserPrompts& prompts =
        unattended ? static_cast<deepext::gui::IUserPrompts&>(unattendedPrompts) : messageBoxPrompts;

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
    if (unattended) {
        // Queued: results the window's first jobs have already posted are handled before it closes; closing
        // then drains whatever is still running, as a user's Quit does.
        QObject::connect(&window, &deepext::gui::MainWindow::firstRunDone, &window, &QWidget::close,
                         Qt::QueuedConnection);
    }
    QTimer::singleShot(0, &window, &deepext::gui::MainWindow::offerDemoIfEmpty);
    const int status = QApplication::exec();
    return unattended && unattendedPrompts.errorCount() > 0 ? 1 : status;
}
