#pragma once

#include "Command.h"

namespace deepext::cli {

// `env default NAME`
class EnvDefaultCommand final : public Command
{
public:
    EnvDefaultCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
