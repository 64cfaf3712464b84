#pragma once

#include "Command.h"

namespace deepext::cli {

// `base set-template TECH FILE`
class BaseSetTemplateCommand final : public Command
{
public:
    BaseSetTemplateCommand();
    int execute(CommandContext& context, const QStringList& arguments) override;
};

} // namespace deepext::cli
