#include "TrainedShowCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"

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
    context.printLine(ModelCardRenderer::trainedModel(*record, TrainedModelFacts::read(*record), CardFormat::Terminal));
    return 0;
}

} // namespace deepext::cli
