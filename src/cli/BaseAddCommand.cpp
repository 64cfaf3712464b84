#include "BaseAddCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/workflow/ModelRegistration.h"

namespace deepext::cli {

BaseAddCommand::BaseAddCommand()
    : Command("add", "Register a Hugging Face model folder as a base model (by reference, never copied).")
{
}

int BaseAddCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption nameOption(QStringLiteral("name"), QStringLiteral("Technical name (required)."),
                                        QStringLiteral("TECH"));
    const QCommandLineOption modelNameOption(QStringLiteral("model-name"), QStringLiteral("Display name."),
                                             QStringLiteral("NAME"));
    const QCommandLineOption templateOption(QStringLiteral("template"),
                                            QStringLiteral("Deployment Template File (Ollama template or Modelfile)."),
                                            QStringLiteral("FILE"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print the record as JSON."));
    parser.addOptions({nameOption, modelNameOption, templateOption, jsonOption});
    if (!parse(parser, arguments, 1, 1, QStringLiteral("DIR"))) {
        return 0;
    }
    if (!parser.isSet(nameOption)) {
        throw Error::usage("'base add' needs --name TECH (the technical name of the base model)");
    }
    ModelRegistration registration(context.workspace());
    const BaseModelRecord record = registration.addBaseModel(
        parser.positionalArguments().at(0).toStdString(), parser.value(nameOption).toStdString(),
        parser.value(modelNameOption).toStdString(), parser.value(templateOption).toStdString());
    if (parser.isSet(jsonOption)) {
        context.printJson(record);
    } else {
        context.printLine(record.technicalName);
    }
    return 0;
}

} // namespace deepext::cli
