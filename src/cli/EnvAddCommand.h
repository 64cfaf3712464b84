#pragma once

#include "Command.h"

namespace deepext::cli {

// `env add NAME --url URL [--default] [--ca-file FILE]`
class EnvAddCommand final : public Command
{
public:
    EnvAddCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
