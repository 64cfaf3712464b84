#include "GuiFixtures.h"

#include "EventLoopWait.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DemoGenerator.h"
#include "deepext/workflow/SaveOperation.h"
#include "gui/DeployDialog.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace deepext::gui::test {

std::string writeFakeSavedModel(const Workspace& workspace, const std::string& name, const std::string& createdAt,
                                std::uint64_t size, const std::string& trained, const std::string& base)
{
    const fs::path dir = fs::path(workspace.savedModelsDir()) / name;
    fs::create_directories(dir);
    {
        std::ofstream weights(dir / "model.safetensors", std::ios::binary);
        weights << std::string(size, '\0');
    }
    const nlohmann::json card = {
        {"schema", "deepext.model_card"},
        {"schema_version", "1.0"},
        {"name", name},
        {"uuid", "00000000-0000-4000-8000-000000000000"},
        {"created_at", createdAt},
        {"app_version", "test"},
        {"base_model", {{"technical_name", base}, {"display_name", base}, {"directory", "/nowhere"}}},
        {"trained_model", {{"name", trained}, {"train_name", "demo-lora"}, {"adapter_directory", "/nowhere"}}},
        {"merge", nlohmann::json::object()},
        {"files", {{{"path", "model.safetensors"}, {"size", size}, {"sha256", std::string(64, '0')}}}},
        {"total_size", size},
        {"notes", nlohmann::json::array()},
    };
    std::ofstream(dir / "model_card.json") << card.dump(2);
    return dir.string();
}

DeploymentRecord addDeploymentRecord(const Workspace& workspace, const std::string& savedName,
                                     const std::string& ollamaName)
{
    DeploymentRecord record;
    record.uuid = "11111111-1111-4111-8111-" + std::to_string(std::hash<std::string>{}(ollamaName) % 1000000000000ULL);
    record.ollamaName = ollamaName;
    record.savedModel = savedName;
    record.environment = "local";
    record.url = "http://127.0.0.1:11434";
    record.quantization = "q4_K_M";
    record.status = DeploymentStatus::Deployed;
    record.startedAt = "2025-01-02T03:04:05Z";
    record.endedAt = "2025-01-02T03:05:05Z";
    workspace.upsertDeployment(record);
    return record;
}

std::string seedDemoAndSave(const Workspace& workspace)
{
    const std::string trained = DemoGenerator::seed(workspace);
    const std::atomic_bool cancel{false};
    return SaveOperation::save(workspace, trained, OutputDtype::Auto, 2, {}, cancel).savedName;
}

void prepareDeployDialog(DeployDialog& dialog)
{
    dialog.show();
    ASSERT_TRUE(test_support::waitFor([&] { return dialog.isResolved(); }, 10000));
    auto* quantization = dialog.findChild<QComboBox*>(QStringLiteral("quantizationComboBox"));
    ASSERT_NE(quantization, nullptr);
    quantization->setCurrentIndex(quantization->findData(QStringLiteral("no_quantization")));
    ASSERT_TRUE(test_support::waitFor(
        [&] {
            return dialog.findChild<QLineEdit*>(QStringLiteral("ollamaNameLineEdit"))
                       ->text()
                       .endsWith(QStringLiteral("no_quantization")) &&
                   dialog.findChild<QPushButton*>(QStringLiteral("deployButton"))->isEnabled();
        },
        10000));
}

} // namespace deepext::gui::test
