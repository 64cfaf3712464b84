#include "BaseShowCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"

namespace deepext::cli {

BaseShowCommand::BaseShowCommand()
    : Command("show", "Show a base model's facts and its Deployment Template File.")
{
}

int BaseShowCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(jsonOption);
    if (!parse(parser, arguments, 1, 1, QStringLiteral("TECH"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    const auto base = context.workspace().findBaseModel(name);
    if (!base) {
        throw Error("no base model named '" + name + "' (see 'deepext-cli base list')");
    }
    if (parser.isSet(jsonOption)) {
        nlohmann::json item = *base;
        item["name"] = base->technicalName;
        context.printJson(item);
        return 0;
    }
    std::string text = "Base model " + base->technicalName + " (" + base->modelName + ")\n  path: " + base->path + "\n";
    for (const auto& [key, value] : base->facts.items()) {
        text += "  " + key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
    }
    if (base->templateText.empty()) {
        text += "  Deployment Template File: none (add one with 'deepext-cli base set-template " + base->technicalName +
                " FILE')\n";
    } else {
        text += "  Deployment Template File (from " + base->templateSource + "):\n" + base->templateText;
        if (text.back() != '\n') {
            text += "\n";
        }
    }
    context.printLine(text);
    return 0;
}

} // namespace deepext::cli
