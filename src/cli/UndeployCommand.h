#pragma once

#include "Command.h"

namespace deepext::cli {

// `undeploy DEPLOYED`: remove from Ollama; the record stays, marked removed.
class UndeployCommand final : public Command
{
public:
    UndeployCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
