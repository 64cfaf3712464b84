#pragma once

#include "Command.h"

namespace deepext::cli {

// `try DEPLOYED [--prompt TEXT | stdin] [--system TEXT] [--max-tokens N] [--temperature X] [--json]`: one chat with
// a deployed model, the reply streamed to stdout as it comes (or one JSON object with reply, done reason, metrics).
class TryCommand final : public Command
{
public:
    TryCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
