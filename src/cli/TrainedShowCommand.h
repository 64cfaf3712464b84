#pragma once

#include "Command.h"

namespace deepext::cli {

// `trained show NAME [--json]`
class TrainedShowCommand final : public Command
{
public:
    TrainedShowCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
