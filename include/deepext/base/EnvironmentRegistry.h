#pragma once

#include "deepext/base/Records.h"
#include "deepext/base/RegistryFile.h"

#include <string>
#include <vector>

namespace deepext {

// The deployment environments (Deployment Tool Configuration) in workspace.json: named Ollama servers and the
// default one.
class EnvironmentRegistry
{
public:
    static constexpr const char* Key = "environments";
    static constexpr const char* DefaultKey = "default_environment";

    explicit EnvironmentRegistry(RegistryFile file);

    std::vector<EnvironmentRecord> all() const;
    // Empty when there is none.
    std::string defaultName() const;
    // The first environment becomes the default whatever makeDefault says.
    void add(const EnvironmentRecord& record, bool makeDefault) const;
    // Removing the default makes the first remaining one the default.
    void remove(const std::string& name) const;
    void setDefault(const std::string& name) const;

private:
    RegistryFile m_file;
};

} // namespace deepext
