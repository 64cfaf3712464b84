#include "BaseRemoveCommand.h"

#include "CommandContext.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

BaseRemoveCommand::BaseRemoveCommand()
    : Command("remove", "Unregister a base model (its folder is left untouched).")
{
}

int BaseRemoveCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("TECH"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    context.workspace().removeBaseModel(name);
    context.info("unregistered base model " + name + " (its folder was not touched)");
    return 0;
}

} // namespace deepext::cli
