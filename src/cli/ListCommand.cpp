#include "ListCommand.h"

#include "CommandContext.h"
#include "TextTable.h"

#include "deepext/base/Workspace.h"

namespace deepext::cli {

ListCommand::ListCommand()
    : Command("list", "List the saved models.")
{
}

int ListCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const auto saved = context.workspace().savedModels();
    if (parser.isSet(jsonOption)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& entry : saved) {
            out.push_back({{"name", entry.name}, {"path", entry.path}});
        }
        context.printJson(out);
        return 0;
    }
    TextTable table({"NAME", "PATH"});
    for (const auto& entry : saved) {
        table.addRow({entry.name, entry.path});
    }
    if (table.isEmpty()) {
        context.info("no saved models yet; save a trained model with 'deepext-cli save TRAINED'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
