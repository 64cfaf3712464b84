#pragma once

#include "Command.h"

namespace deepext::cli {

// `show SAVED [--json]`: the model card (--json prints model_card.json).
class ShowCommand final : public Command
{
public:
    ShowCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
