#pragma once

#include "deepext/base/Records.h"
#include "deepext/base/RegistryFile.h"

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// base_models.json: the registered base models (references to the user's folders) and their Deployment Template
// Files.
class BaseModelRegistry
{
public:
    static constexpr const char* Key = "base_models";

    explicit BaseModelRegistry(RegistryFile file);

    std::vector<BaseModelRecord> all() const;
    std::optional<BaseModelRecord> find(const std::string& technicalName) const;
    // Refuses a technical name that is already registered.
    void add(const BaseModelRecord& record) const;
    void setTemplate(const std::string& technicalName, const std::string& text, const std::string& source) const;
    // Removes the registration only; whether trained models still use it is the caller's check.
    void remove(const std::string& technicalName) const;

private:
    RegistryFile m_file;
};

} // namespace deepext
