#include "TrainedListCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

TrainedListCommand::TrainedListCommand()
    : Command("list", "List the registered trained models.")
{
}

int TrainedListCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const auto trained = context.workspace().trainedModels();
    if (parser.isSet(jsonOption)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& record : trained) {
            out.push_back(record);
        }
        context.printJson(out);
        return 0;
    }
    TextTable table({"NAME", "BASE", "TRAIN NAME", "RANK", "ALPHA", "PATH"});
    for (const auto& record : trained) {
        table.addRow({record.name, record.baseTechnicalName, record.trainName,
                      record.facts.value("r", nlohmann::json()).dump(),
                      record.facts.value("lora_alpha", nlohmann::json()).dump(), record.adapterPath});
    }
    if (table.isEmpty()) {
        context.info("no trained models registered; add one with 'deepext-cli trained add DIR --base TECH "
                     "--train-name NAME'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
