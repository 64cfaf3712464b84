#pragma once

#include "CommandHelp.h"

#include <QString>

namespace deepext::helpgen {

// Runs a program's --help, and `PROGRAM COMMAND... --help` for every command and subcommand its "Commands:" and
// "Subcommands:" listings name, and builds the tree. Also reads `PROGRAM --version`.
class HelpReader
{
public:
    explicit HelpReader(QString program);

    // Throws std::runtime_error when a run fails, prints to stderr or prints no usable help.
    CommandHelp read() const;
    QString version() const;
    QString programName() const;

private:
    QString run(const QStringList& arguments) const;
    CommandHelp readCommand(const QStringList& path, const QString& summary) const;

    QString m_program;
};

} // namespace deepext::helpgen
