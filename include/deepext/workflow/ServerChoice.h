#pragma once

#include "deepext/base/Records.h"

#include <string>
#include <vector>

namespace deepext {

class Workspace;

// The Ollama server an environment name stands for, chosen as deploy chooses it: the environment of that name, else
// (no name) the default environment, else OLLAMA_HOST, else http://127.0.0.1:11434. Deploy, and the models `eval`
// and the Evaluate dialog take from a server's own list.
class ServerChoice
{
public:
    // Throws deepext::Error when `environment` names no configured environment.
    static ServerChoice resolve(const Workspace& workspace, const std::string& environment);
    // The same over environments already read (the window reads them off the GUI thread, then resolves).
    static ServerChoice resolve(const std::vector<EnvironmentRecord>& environments, const std::string& defaultName,
                                const std::string& environment);

    const std::string& environment() const { return m_environment; } // empty: OLLAMA_HOST or the local default
    const std::string& url() const { return m_url; }
    const std::string& caFile() const { return m_caFile; }
    // A bad OLLAMA_HOST port replaced by the default, as Ollama logs it.
    const std::vector<std::string>& warnings() const { return m_warnings; }
    // The URL as messages show it.
    std::string display() const;

private:
    std::string m_environment;
    std::string m_url;
    std::string m_caFile;
    std::vector<std::string> m_warnings;
};

} // namespace deepext
