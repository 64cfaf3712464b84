#pragma once

#include "Command.h"

namespace deepext::cli {

// `deployed [--json] [--refresh]`: deployment records (--refresh asks each Ollama what it still has).
class DeployedCommand final : public Command
{
public:
    DeployedCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
