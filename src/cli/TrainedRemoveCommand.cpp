#include "TrainedRemoveCommand.h"

#include "CommandContext.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

TrainedRemoveCommand::TrainedRemoveCommand()
    : Command("remove", "Unregister a trained model (its adapter folder is left untouched).")
{
}

int TrainedRemoveCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("NAME"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    context.workspace().removeTrainedModel(name);
    context.info("unregistered trained model " + name + " (its folder was not touched)");
    return 0;
}

} // namespace deepext::cli
