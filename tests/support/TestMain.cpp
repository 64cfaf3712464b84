// Entry point of the non-GUI test binaries: one QCoreApplication for the process, so event loops, QProcess and
// QTcpServer work; QStandardPaths in test mode so no test touches a real profile.
#include <QCoreApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("deepext-tests"));
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
