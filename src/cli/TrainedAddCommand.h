#pragma once

#include "Command.h"

namespace deepext::cli {

// `trained add DIR --base TECH --train-name NAME`: prints the trained model name.
class TrainedAddCommand final : public Command
{
public:
    TrainedAddCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
