#pragma once

#include "deepext/base/Workspace.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace deepext::cli {

// What every command gets: the global options and the workspace, opened on first use (so commands that need
// none, like `merge`, never create one).
class CommandContext
{
public:
    CommandContext(std::string workspaceOption, std::string logLevel);

    const Workspace& workspace();
    const std::string& logLevel() const { return m_logLevel; }
    bool stdinIsTerminal() const;
    bool stderrIsTerminal() const;

    // stdout: results only (one name, a table, or JSON); stderr: progress, warnings, errors.
    void printLine(const std::string& text) const;
    void printJson(const nlohmann::json& value) const;
    void warn(const std::string& text) const;
    void info(const std::string& text) const;

private:
    std::string m_workspaceOption;
    std::string m_logLevel;
    std::optional<Workspace> m_workspace;
};

} // namespace deepext::cli
