// The real `deepext` executable as a subprocess: --help and --version with no display at all, and a start-up smoke
// run offscreen that quits by itself (--quit-when-ready).
#include "CliRunner.h"
#include "GuiFixtures.h"
#include "deepext/base/Workspace.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace deepext;
using deepext::test::CliResult;

namespace {

constexpr int SmokeTimeoutMs = 60000;

class DesktopAppTest : public ::testing::Test
{
protected:
    // No display of any kind: no X11, no Wayland, no platform chosen for Qt.
    QProcessEnvironment noDisplay() const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XAUTHORITY"}) {
            environment.remove(QLatin1String(name));
        }
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtimeDir());
        return environment;
    }

    QProcessEnvironment offscreen() const
    {
        QProcessEnvironment environment = noDisplay();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        return environment;
    }

    CliResult runApp(const QStringList& arguments, const QProcessEnvironment& environment) const
    {
        return test::runProgram(QStringLiteral(DEEPEXT_GUI_PATH), arguments, SmokeTimeoutMs, environment);
    }

    QString workspacePath() const { return m_dir.filePath(QStringLiteral("workspace")); }

    // The window's settings file, written when it closes (QSettings under XDG_CONFIG_HOME).
    QStringList settingsFiles() const
    {
        QStringList files;
        QDirIterator it(m_dir.filePath(QStringLiteral("config")), {QStringLiteral("deepext.conf")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            files.append(it.next());
        }
        return files;
    }

    QString logText() const
    {
        QFile log(QDir(workspacePath()).filePath(QStringLiteral("logs/deepext.log")));
        return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
    }

    QTemporaryDir m_dir;

private:
    QString runtimeDir() const
    {
        const QString path = m_dir.filePath(QStringLiteral("runtime"));
        QDir().mkpath(path);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        return path;
    }
};

} // namespace

TEST_F(DesktopAppTest, VersionAndHelp_PrintWithoutADisplay)
{
    for (const QString& option : {QStringLiteral("--version"), QStringLiteral("-v")}) {
        const CliResult result = runApp({option}, noDisplay());
        EXPECT_EQ(result.exitCode, 0) << option.toStdString() << ": " << result.err;
        EXPECT_EQ(result.out, std::string("deepext ") + DEEPEXT_VERSION + "\n");
        EXPECT_EQ(result.err, "");
    }
    for (const QString& option : {QStringLiteral("--help"), QStringLiteral("-h")}) {
        const CliResult result = runApp({option}, noDisplay());
        EXPECT_EQ(result.exitCode, 0) << option.toStdString() << ": " << result.err;
        EXPECT_EQ(result.out.rfind("Usage: deepext [options]\n", 0), 0u) << result.out;
        for (const char* expected : {"--workspace <DIR>", "--quit-when-ready", "--version", "--help"}) {
            EXPECT_NE(result.out.find(expected), std::string::npos) << expected << " missing in:\n" << result.out;
        }
        EXPECT_EQ(result.err, "");
    }
    // Qt's own options before ours change nothing: the first pass does not stop at an option it does not know.
    const CliResult withQtOption =
        runApp({QStringLiteral("-style"), QStringLiteral("fusion"), QStringLiteral("-v")}, noDisplay());
    EXPECT_EQ(withQtOption.exitCode, 0) << withQtOption.err;
    EXPECT_EQ(withQtOption.out, std::string("deepext ") + DEEPEXT_VERSION + "\n");
}

TEST_F(DesktopAppTest, NoDisplay_OpeningTheWindowFails)
{
    // The control for the test above: in this environment the window itself cannot start, so --help and
    // --version really answered without one.
    const CliResult result = runApp({QStringLiteral("--workspace"), workspacePath()}, noDisplay());
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(result.err.find("platform plugin"), std::string::npos) << result.err;
}

TEST_F(DesktopAppTest, QuitWhenReady_OnASavedModelWorkspaceExitsCleanly)
{
    const std::string saved = gui::test::seedDemoAndSave(Workspace::open(workspacePath().toStdString()));
    const CliResult result =
        runApp({QStringLiteral("--workspace"), workspacePath(), QStringLiteral("--quit-when-ready")}, offscreen());
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(test::errorLineCount(result.err), 0) << result.err;
    // It closed the way Quit closes it (the settings are written on close), after opening on this workspace.
    EXPECT_EQ(settingsFiles().size(), 1) << settingsFiles().join(QLatin1Char(' ')).toStdString();
    const QString log = logText();
    EXPECT_TRUE(log.contains(QStringLiteral("window opened on workspace ") + workspacePath())) << log.toStdString();
    EXPECT_TRUE(QDir(workspacePath() + QStringLiteral("/saved_models/") + QString::fromStdString(saved)).exists());
}

TEST_F(DesktopAppTest, QuitWhenReady_OnAnEmptyWorkspaceAsksNothing)
{
    const CliResult result =
        runApp({QStringLiteral("--workspace"), workspacePath(), QStringLiteral("--quit-when-ready")}, offscreen());
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(test::errorLineCount(result.err), 0) << result.err;
    EXPECT_TRUE(logText().contains(QStringLiteral("not asked, declined (unattended): Welcome to DeepExtension")))
        << logText().toStdString();
    // Declined: the demo was not created.
    EXPECT_TRUE(Workspace::open(workspacePath().toStdString()).baseModels().empty());
    EXPECT_EQ(settingsFiles().size(), 1);
}

TEST_F(DesktopAppTest, QuitWhenReady_ReportsAnUnopenableWorkspaceOnStderr)
{
    QFile blocker(m_dir.filePath(QStringLiteral("file")));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const CliResult result = runApp({QStringLiteral("--workspace"), blocker.fileName() + QStringLiteral("/workspace"),
                                     QStringLiteral("--quit-when-ready")},
                                    offscreen());
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(test::errorLineCount(result.err), 1) << result.err;
    EXPECT_NE(result.err.find("error: The workspace cannot be opened"), std::string::npos) << result.err;
    EXPECT_TRUE(settingsFiles().isEmpty());
}
