#pragma once

#include "deepext/base/Records.h"

#include <string>
#include <vector>

namespace deepext {

class Workspace;

// Registering base and trained models by reference: validation of the user's directories (a Hugging Face model,
// a PEFT LoRA adapter) and the registry entries. Shared by the CLI and the GUI.
class ModelRegistration
{
public:
    explicit ModelRegistration(const Workspace& workspace);

    // Reads config.json and the safetensors headers; refuses a directory that is not a Hugging Face model.
    BaseModelRecord addBaseModel(const std::string& directory, const std::string& technicalName,
                                 const std::string& modelName, const std::string& templateFile) const;
    void setBaseTemplate(const std::string& technicalName, const std::string& templateFile) const;

    // Reads adapter_config.json (LoRA only); the name is drawn under the registry lock.
    TrainedModelRecord addTrainedModel(const std::string& directory, const std::string& baseTechnicalName,
                                       const std::string& trainName) const;

    // Warnings raised by the last call (e.g. an adapter that names another base model).
    const std::vector<std::string>& warnings() const { return m_warnings; }

    // The facts of a base model directory (architecture, dims, dtype, parameter count, disk size).
    static nlohmann::json inspectBaseModel(const std::string& directory);
    // The Deployment Template File's text: a readable, non-empty UTF-8 text file of at most 1 MiB.
    static std::string readTemplateFile(const std::string& path);

private:
    const Workspace& m_workspace;
    mutable std::vector<std::string> m_warnings;
};

} // namespace deepext
