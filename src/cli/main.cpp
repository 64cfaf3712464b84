// deepext-cli: the command line of DeepExtension Desktop (core only, no GUI libraries).
#include "Cli.h"

#include <QCoreApplication>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // Same application name as the GUI, so both find the same default workspace.
    QCoreApplication::setApplicationName(QStringLiteral("deepext"));
    QCoreApplication::setApplicationVersion(QStringLiteral(DEEPEXT_VERSION));
    deepext::cli::Cli cli;
    return cli.run(QCoreApplication::arguments());
}
