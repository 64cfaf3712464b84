#include "ShowCommand.h"

#include "CommandContext.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/SavedModelOperations.h"

namespace deepext::cli {

ShowCommand::ShowCommand()
    : Command("show", "Show a saved model's card.")
{
}

int ShowCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print model_card.json."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 1, 1, QStringLiteral("SAVED"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    const auto& workspace = context.workspace();
    if (!workspace.savedModelExists(name)) {
        throw Error("no saved model named '" + name + "' (see 'deepext-cli list')");
    }
    const std::string directory = workspace.savedModelPath(name);
    if (parser.isSet(jsonOption)) {
        const std::string text = readWholeFile(directory + "/model_card.json");
        if (!nlohmann::json::accept(text)) {
            throw Error(directory + "/model_card.json is not valid JSON");
        }
        context.printJson(nlohmann::json::parse(text));
        return 0;
    }
    context.printLine(SavedModelOperations::cardText(workspace, name, CardFormat::Terminal));
    return 0;
}

} // namespace deepext::cli
