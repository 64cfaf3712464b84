#pragma once

#include "Command.h"

namespace deepext::cli {

// `trained remove NAME`: unregisters only.
class TrainedRemoveCommand final : public Command
{
public:
    TrainedRemoveCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
