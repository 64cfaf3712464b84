#include "TrainedAddCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/workflow/ModelRegistration.h"

namespace deepext::cli {

TrainedAddCommand::TrainedAddCommand()
    : Command("add", "Register a PEFT LoRA adapter folder as a trained model of a base model.")
{
}

int TrainedAddCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption baseOption(QStringLiteral("base"), QStringLiteral("Technical name of the base model."),
                                        QStringLiteral("TECH"));
    const QCommandLineOption trainNameOption(QStringLiteral("train-name"), QStringLiteral("Name of the training run."),
                                             QStringLiteral("NAME"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the record as JSON."));
    parser.addOptions({baseOption, trainNameOption, jsonOption});
    if (!parse(parser, arguments, 1, 1, QStringLiteral("DIR"))) {
        return 0;
    }
    if (!parser.isSet(baseOption) || !parser.isSet(trainNameOption)) {
        throw Error::usage("'trained add' needs --base TECH and --train-name NAME");
    }
    ModelRegistration registration(context.workspace());
    const TrainedModelRecord record = registration.addTrainedModel(parser.positionalArguments().at(0).toStdString(),
                                                                   parser.value(baseOption).toStdString(),
                                                                   parser.value(trainNameOption).toStdString());
    for (const auto& warning : registration.warnings()) {
        context.warn(warning);
    }
    if (parser.isSet(jsonOption)) {
        context.printJson(record);
    } else {
        context.printLine(record.name);
    }
    return 0;
}

} // namespace deepext::cli
