#include "deepext/workflow/ServerChoice.h"

#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaHost.h"

namespace deepext {

ServerChoice ServerChoice::resolve(const Workspace& workspace, const std::string& environment)
{
    return resolve(workspace.environments(), workspace.defaultEnvironment(), environment);
}

ServerChoice ServerChoice::resolve(const std::vector<EnvironmentRecord>& environments, const std::string& defaultName,
                                   const std::string& environment)
{
    ServerChoice choice;
    const std::string& wanted = environment.empty() ? defaultName : environment;
    if (!wanted.empty()) {
        for (const auto& env : environments) {
            if (env.name == wanted) {
                choice.m_environment = env.name;
                choice.m_url = env.url;
                choice.m_caFile = env.caFile;
            }
        }
        if (choice.m_url.empty() && !environment.empty()) {
            throw Error("no environment named '" + environment + "' (see 'deepext-cli env list')");
        }
    }
    // A default that names no environment any more falls through, as it always has for deploy.
    if (choice.m_url.empty()) {
        choice.m_environment.clear();
        QString warning;
        choice.m_url = ollama::OllamaHost::fromEnvironment(&warning).toString().toStdString();
        if (!warning.isEmpty()) {
            choice.m_warnings.push_back(warning.toStdString());
        }
    }
    return choice;
}

std::string ServerChoice::display() const
{
    return ollama::OllamaHost::display(m_url).toStdString();
}

} // namespace deepext
