#include "ListCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"

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
    nlohmann::json out = nlohmann::json::array();
    TextTable table({"NAME", "TRAINED MODEL", "BASE", "CREATED", "SIZE"});
    for (const auto& entry : saved) {
        nlohmann::json item{{"name", entry.name}, {"path", entry.path}};
        std::string size;
        try {
            const ModelCard card = ModelCard::fromJson(entry.card);
            item["trained_model"] = card.trained.name;
            item["base_model"] = card.base.technicalName;
            item["created_at"] = card.createdAt;
            if (card.totalSize) {
                item["size"] = *card.totalSize;
                size = humanBytes(*card.totalSize);
            }
        } catch (const std::exception&) {
            item["card_error"] = "model_card.json cannot be read";
        }
        table.addRow({entry.name, item.value("trained_model", ""), item.value("base_model", ""),
                      item.value("created_at", ""), size});
        out.push_back(std::move(item));
    }
    if (parser.isSet(jsonOption)) {
        context.printJson(out);
        return 0;
    }
    if (table.isEmpty()) {
        context.info("no saved models yet; save a trained model with 'deepext-cli save TRAINED'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
