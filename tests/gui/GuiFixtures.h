#pragma once

#include "deepext/base/Records.h"

#include <cstdint>
#include <string>

namespace deepext {
class Workspace;
}

namespace deepext::gui {
class DeployDialog;
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

// Shows the deploy dialog, waits for its preview and picks no_quantization (the demo is bf16, which not every Ollama
// quantizes): done once the generated name says so and Deploy is enabled. Fails the running test otherwise.
void prepareDeployDialog(DeployDialog& dialog);

// Seeds the demo and saves its trained model synchronously (the core's API, not the GUI): returns the saved name.
std::string seedDemoAndSave(const Workspace& workspace);

} // namespace deepext::gui::test
