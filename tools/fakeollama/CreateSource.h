#pragma once

#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// What the model layer of a create is built from, as the planner learns it.
struct CreateSource
{
    QString kind; // safetensors | gguf | from | zip
    QString family = QStringLiteral("llama");
    qint64 parameterCount = 0;
    QString fileType = QStringLiteral("F16");
    qint64 modelSize = 0;
    nlohmann::json modelLayer; // from creates: the base model layer, reused
    nlohmann::json baseRecord; // from creates: template, system, parameters, ... to inherit
    QString modelFingerprint;  // what the new model layer is built from
    QString detectedTemplate;  // name
    QString detectedTemplateText;
};

} // namespace deepext::fake
