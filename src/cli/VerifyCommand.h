#pragma once

#include "Command.h"

namespace deepext::cli {

// `verify SAVED`: re-hash the files against the card; exit 1 naming each changed or missing file.
class VerifyCommand final : public Command
{
public:
    VerifyCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
