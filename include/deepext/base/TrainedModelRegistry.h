#pragma once

#include "deepext/base/Records.h"
#include "deepext/base/RegistryFile.h"

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// trained_models.json: the registered trained models (references to adapter folders, each tied to a base model).
class TrainedModelRegistry
{
public:
    static constexpr const char* Key = "trained_models";

    explicit TrainedModelRegistry(RegistryFile file);

    std::vector<TrainedModelRecord> all() const;
    std::optional<TrainedModelRecord> find(const std::string& name) const;
    // Draws the name (collision: new UUID) and registers it under one lock, so concurrent adds never clash.
    TrainedModelRecord add(TrainedModelRecord record, const std::string& dateStamp) const;
    void remove(const std::string& name) const;

private:
    RegistryFile m_file;
};

} // namespace deepext
