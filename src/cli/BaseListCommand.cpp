#include "BaseListCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

BaseListCommand::BaseListCommand()
    : Command("list", "List the registered base models.")
{
}

int BaseListCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const auto bases = context.workspace().baseModels();
    if (parser.isSet(jsonOption)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& base : bases) {
            nlohmann::json item = base;
            item["name"] = base.technicalName;
            item["has_template"] = !base.templateText.empty();
            item.erase("template");
            for (const auto& [key, value] : base.facts.items()) {
                item[key] = value;
            }
            out.push_back(item);
        }
        context.printJson(out);
        return 0;
    }
    TextTable table({"NAME", "MODEL", "ARCHITECTURE", "PARAMETERS", "DTYPE", "TEMPLATE", "PATH"});
    for (const auto& base : bases) {
        table.addRow({base.technicalName, base.modelName, base.facts.value("architecture", ""),
                      std::to_string(base.facts.value("parameter_count", 0ULL)), base.facts.value("dtype", ""),
                      base.templateText.empty() ? "none" : "yes", base.path});
    }
    if (table.isEmpty()) {
        context.info("no base models registered; add one with 'deepext-cli base add DIR --name TECH'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
