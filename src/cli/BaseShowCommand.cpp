#include "BaseShowCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCardRenderer.h"

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
    context.printLine(ModelCardRenderer::baseModel(*base, CardFormat::Terminal));
    return 0;
}

} // namespace deepext::cli
