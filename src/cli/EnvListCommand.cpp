#include "EnvListCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

EnvListCommand::EnvListCommand()
    : Command("list", "List the deployment environments.")
{
}

int EnvListCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const auto& workspace = context.workspace();
    const auto environments = workspace.environments();
    const std::string defaultName = workspace.defaultEnvironment();
    if (parser.isSet(jsonOption)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& env : environments) {
            nlohmann::json item = env;
            item["default"] = env.name == defaultName;
            out.push_back(item);
        }
        context.printJson(out);
        return 0;
    }
    TextTable table({"NAME", "URL", "DEFAULT", "CA FILE"});
    for (const auto& env : environments) {
        table.addRow({env.name, env.url, env.name == defaultName ? "yes" : "", env.caFile});
    }
    if (table.isEmpty()) {
        context.info("no environments configured; deploys use $OLLAMA_HOST or http://127.0.0.1:11434. Add one with "
                     "'deepext-cli env add NAME --url URL'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
