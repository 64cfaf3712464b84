#pragma once

#include "Command.h"

namespace deepext::cli {

// `delete SAVED [--yes]`: permanently delete the saved model directory (records untouched).
class DeleteCommand final : public Command
{
public:
    DeleteCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
