#pragma once

#include "deepext/ollama/DeployTypes.h"
#include "deepext/ollama/OllamaVersion.h"

#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace deepext::ollama {

// The format decision: go on (error empty) in `format` (never Auto), or stop before any upload with an error that
// names the architecture, the server and the way out. Warnings are reported either way.
struct FormatDecision
{
    DeployFormat format = DeployFormat::Safetensors;
    QString error;
    std::vector<QString> warnings;
    QString reason; // why this format, for the log and the CLI ("Ollama 0.33.0 does not convert Qwen3ForCausalLM")

    bool ok() const { return error.isEmpty(); }
};

// Chooses how a model's weights go to a server, from the server's version and config.json architectures[0]
// (docs/ollama-notes.md and ../shared/reference/ollama-api.md §4.5, with the versions where the converter's table
// gained or lost an entry), before a single blob request:
//   auto        -> safetensors where the converter takes the architecture; GGUF where it refuses it and the GGUF
//                  export can write it; refused where neither can (naming both lists). An architecture only the
//                  newest converter is known to take (Unsure on an older server) and no GGUF export: safetensors
//                  with a warning, as before.
//   safetensors -> refused where the converter refuses the architecture, naming it, the server's version and
//                  --format gguf (when the export can write it); Unsure: a warning.
//   gguf        -> refused where the GGUF export cannot write the architecture, naming what it can write.
class DeployFormatChooser
{
public:
    static FormatDecision choose(DeployFormat requested, const OllamaVersion& version, const std::string& versionText,
                                 const std::string& architecture, const std::vector<std::string>& ggufArchitectures,
                                 const QString& serverDisplay);

    // "auto", "safetensors", "gguf" (any case); nullopt for anything else.
    static std::optional<DeployFormat> fromName(const std::string& name);
    static std::string name(DeployFormat format);
};

} // namespace deepext::ollama
