#pragma once

#include "Command.h"

namespace deepext::cli {

// `deploy SAVED [--env NAME | --url URL] [--quantize Q] [--name OLLAMA_NAME] [--system TEXT] [--param K=V]...
// [--template FILE] [--autodetect-template]`: prints the Ollama model name.
class DeployCommand final : public Command
{
public:
    DeployCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
