#pragma once

#include "Command.h"

namespace deepext::cli {

// `merge --base DIR --adapter DIR --out DIR [--dtype ...] [--threads N]`: merge without a workspace.
class MergeCommand final : public Command
{
public:
    MergeCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
