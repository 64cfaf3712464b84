#include "CommandContext.h"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace deepext::cli {

CommandContext::CommandContext(std::string workspaceOption, std::string logLevel)
    : m_workspaceOption(std::move(workspaceOption))
    , m_logLevel(std::move(logLevel))
{
}

const Workspace& CommandContext::workspace()
{
    if (!m_workspace) {
        m_workspace = Workspace::open(Workspace::resolveLocation(m_workspaceOption));
    }
    return *m_workspace;
}

bool CommandContext::stdinIsTerminal() const
{
    return ::isatty(STDIN_FILENO) == 1;
}

bool CommandContext::stderrIsTerminal() const
{
    return ::isatty(STDERR_FILENO) == 1;
}

void CommandContext::printLine(const std::string& text) const
{
    std::cout << text << '\n' << std::flush;
}

void CommandContext::printJson(const nlohmann::json& value) const
{
    std::cout << value.dump(2) << '\n' << std::flush;
}

void CommandContext::warn(const std::string& text) const
{
    std::cerr << "warning: " << text << '\n' << std::flush;
}

void CommandContext::info(const std::string& text) const
{
    std::cerr << text << '\n' << std::flush;
}

} // namespace deepext::cli
