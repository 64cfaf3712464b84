#pragma once

#include "Command.h"

namespace deepext::cli {

// `eval DEPLOYED [DEPLOYED...] [--server-model NAME]... [--env NAME] --prompts FILE.jsonl [--out FILE.jsonl]
// [--max-tokens N]`: every prompt against every deployment, and every model of the server's own named, at temperature
// 0, one result line each; the summary and the results kept with each evaluated saved model's card.
class EvalCommand final : public Command
{
public:
    EvalCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
