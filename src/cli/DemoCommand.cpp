#include "DemoCommand.h"

#include "CommandContext.h"
#include "deepext/workflow/DemoGenerator.h"

namespace deepext::cli {

DemoCommand::DemoCommand()
    : Command("demo", "Seed the workspace with the demo base model and trained model (idempotent).")
{
}

int DemoCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const std::string trained = DemoGenerator::seed(context.workspace());
    context.info("demo ready in " + context.workspace().root() + ": base model " + DemoGenerator::BaseTechnicalName +
                 ", trained model " + trained + ". Next: deepext-cli save " + trained);
    context.printLine(trained);
    return 0;
}

} // namespace deepext::cli
