#pragma once

#include "Command.h"

namespace deepext::cli {

// `save TRAINED [--dtype auto|bf16|fp16|fp32] [--threads N]`: prints the saved model name.
class SaveCommand final : public Command
{
public:
    SaveCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
