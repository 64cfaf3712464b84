// Entry point of the GUI test binary: one offscreen QApplication for the whole process (Mixxx's ApplicationScope),
// a GuiTestApplication so HandlerStallMeter sees the event handlers.
#include "GuiTestApplication.h"

#include <QApplication>
#include <QDesktopServices>
#include <QStandardPaths>
#include <QUrl>

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

// No test opens a file manager: every Open Folder of the window goes through AppContext's opener, which tests
// replace. A file URL that still reaches QDesktopServices fails the running test instead of opening anything.
class NoFileManager final : public QObject
{
    Q_OBJECT

public slots:
    void open(const QUrl& url) { ADD_FAILURE() << "a test asked the desktop to open " << url.toString().toStdString(); }
};

} // namespace

int main(int argc, char** argv)
{
    if (!std::getenv("QT_QPA_PLATFORM")) {
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    }
    QStandardPaths::setTestModeEnabled(true);
    deepext::test_support::GuiTestApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("deepext-tests"));
    NoFileManager noFileManager;
    QDesktopServices::setUrlHandler(QStringLiteral("file"), &noFileManager, "open");
    ::testing::InitGoogleTest(&argc, argv);
    const int result = RUN_ALL_TESTS();
    QDesktopServices::unsetUrlHandler(QStringLiteral("file"));
    return result;
}

#include "TestMainGui.moc"
