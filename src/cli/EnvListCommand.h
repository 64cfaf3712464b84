#pragma once

#include "Command.h"

namespace deepext::cli {

// `env list [--json]`
class EnvListCommand final : public Command
{
public:
    EnvListCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
