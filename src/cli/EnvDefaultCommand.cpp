#include "EnvDefaultCommand.h"

#include "CommandContext.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

EnvDefaultCommand::EnvDefaultCommand()
    : Command("default", "Make an environment the default for deploys.")
{
}

int EnvDefaultCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("NAME"))) {
        return 0;
    }
    context.workspace().setDefaultEnvironment(parser.positionalArguments().at(0).toStdString());
    return 0;
}

} // namespace deepext::cli
