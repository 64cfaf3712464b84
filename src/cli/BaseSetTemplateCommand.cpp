#include "BaseSetTemplateCommand.h"

#include "CommandContext.h"
#include "deepext/workflow/ModelRegistration.h"

namespace deepext::cli {

BaseSetTemplateCommand::BaseSetTemplateCommand()
    : Command("set-template", "Set or replace a base model's Deployment Template File.")
{
}

int BaseSetTemplateCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 2, 2, QStringLiteral("TECH FILE"))) {
        return 0;
    }
    ModelRegistration registration(context.workspace());
    registration.setBaseTemplate(parser.positionalArguments().at(0).toStdString(),
                                 parser.positionalArguments().at(1).toStdString());
    context.info("template set for " + parser.positionalArguments().at(0).toStdString());
    return 0;
}

} // namespace deepext::cli
