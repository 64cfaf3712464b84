#include "EnvRemoveCommand.h"

#include "CommandContext.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

EnvRemoveCommand::EnvRemoveCommand()
    : Command("remove", "Remove a deployment environment (deployment records keep its URL).")
{
}

int EnvRemoveCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("NAME"))) {
        return 0;
    }
    context.workspace().removeEnvironment(parser.positionalArguments().at(0).toStdString());
    return 0;
}

} // namespace deepext::cli
