#pragma once

#include "CommandHelp.h"

#include <QString>

namespace deepext::helpgen {

// Writes a bash completion script from a program's help tree: command and subcommand names, each command's
// options, and file or folder names for values and arguments whose placeholder names a FILE or a DIR.
class BashCompletionWriter
{
public:
    static QString write(const CommandHelp& root, const QString& program, const QString& generatedFrom);

private:
    static void writeSpec(QString& out, const CommandHelp& command);
};

} // namespace deepext::helpgen
