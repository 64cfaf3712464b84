#pragma once

#include "Command.h"

namespace deepext::cli {

// `trained list [--json]`
class TrainedListCommand final : public Command
{
public:
    TrainedListCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
