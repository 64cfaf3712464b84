#pragma once

#include "Command.h"

#include <memory>
#include <vector>

namespace deepext::cli {

// The deepext-cli dispatcher: global options, then one registered command. Only commands that work are
// registered; later capabilities add theirs in Cli.cpp's command list without touching the others.
class Cli
{
public:
    Cli();
    ~Cli();
    // Runs with argv-style arguments (argv[0] first). Returns the process exit code (0, 1 or 2).
    int run(const QStringList& arguments);

private:
    std::string usage() const;
    std::vector<std::unique_ptr<Command>> m_commands;
};

} // namespace deepext::cli
