#pragma once

#include "HelpPage.h"

#include <QStringList>

#include <vector>

namespace deepext::helpgen {

// A program's help as a tree: the program itself (empty path), its commands, and their subcommands, each with the
// help text it prints and the one-line summary its parent lists for it.
struct CommandHelp
{
    QStringList path;
    QString summary;
    HelpPage page;
    std::vector<CommandHelp> children;
};

} // namespace deepext::helpgen
