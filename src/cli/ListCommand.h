#pragma once

#include "Command.h"

namespace deepext::cli {

// `list [--json]`: the saved models.
class ListCommand final : public Command
{
public:
    ListCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
