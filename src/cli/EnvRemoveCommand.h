#pragma once

#include "Command.h"

namespace deepext::cli {

// `env remove NAME`
class EnvRemoveCommand final : public Command
{
public:
    EnvRemoveCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
