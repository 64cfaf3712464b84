#include "TrainedShowCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

TrainedShowCommand::TrainedShowCommand()
    : Command("show", "Show a trained model's record and adapter facts.")
{
}

int TrainedShowCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 1, 1, QStringLiteral("NAME"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    const auto record = context.workspace().findTrainedModel(name);
    if (!record) {
        throw Error("no trained model named '" + name + "' (see 'deepext-cli trained list')");
    }
    if (parser.isSet(jsonOption)) {
        context.printJson(*record);
        return 0;
    }
    std::string text = "Trained model " + record->name + "\n  base: " + record->baseTechnicalName +
                       "\n  train name: " + record->trainName + "\n  adapter: " + record->adapterPath +
                       "\n  uuid: " + record->uuid + "\n  registered: " + record->createdAt + "\n";
    for (const auto& [key, value] : record->facts.items()) {
        text += "  " + key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
    }
    context.printLine(text);
    return 0;
}

} // namespace deepext::cli
