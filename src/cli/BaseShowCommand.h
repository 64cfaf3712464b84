#pragma once

#include "Command.h"

namespace deepext::cli {

// `base show TECH [--json]`
class BaseShowCommand final : public Command
{
public:
    BaseShowCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
