#pragma once

#include "Command.h"

namespace deepext::cli {

// `base add DIR --name TECH [--model-name NAME] [--template FILE]`
class BaseAddCommand final : public Command
{
public:
    BaseAddCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
