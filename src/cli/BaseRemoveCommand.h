#pragma once

#include "Command.h"

namespace deepext::cli {

// `base remove TECH`: unregisters only; refuses while trained models refer to the base.
class BaseRemoveCommand final : public Command
{
public:
    BaseRemoveCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
