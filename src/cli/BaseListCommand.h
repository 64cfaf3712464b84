#pragma once

#include "Command.h"

namespace deepext::cli {

// `base list [--json]`
class BaseListCommand final : public Command
{
public:
    BaseListCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
