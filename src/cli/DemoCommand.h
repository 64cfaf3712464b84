#pragma once

#include "Command.h"

namespace deepext::cli {

// `demo`: seed the workspace with the demo base and trained model (idempotent).
class DemoCommand final : public Command
{
public:
    DemoCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
