#pragma once

#include "deepext/base/Records.h"

#include <cstdint>
#include <string>

namespace deepext {
class Workspace;
}

namespace deepext::gui::test {

// A saved model as the list reads it: saved_models/<name>/ with a model card and one weights file of `size` bytes.
// Enough for listing, card rendering and delete; not a mergeable model.
std::string writeFakeSavedModel(const Workspace& workspace, const std::string& name, const std::string& createdAt,
                                std::uint64_t size = 64,
                                const std::string& trained = "demo-llama_demo-lora_20250101_abcd",
                                const std::string& base = "demo-llama");

// A "deployed" record of `savedName`, written the way the deploy operation writes it.
DeploymentRecord addDeploymentRecord(const Workspace& workspace, const std::string& savedName,
                                     const std::string& ollamaName);

// Seeds the demo and saves its trained model synchronously (the core's API, not the GUI): returns the saved name.
std::string seedDemoAndSave(const Workspace& workspace);

} // namespace deepext::gui::test
