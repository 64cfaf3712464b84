#include "DeployedCommand.h"

#include "CommandContext.h"
#include "TextTable.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeploymentMaintenance.h"

#include <QEventLoop>
#include <QNetworkAccessManager>

namespace deepext::cli {

DeployedCommand::DeployedCommand()
    : Command("deployed", "List deployment records.")
{
}

int DeployedCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print a JSON array."));
    const QCommandLineOption refreshOption(QStringLiteral("refresh"),
                                           QStringLiteral("Ask each Ollama which models it still has."));
    parser.addOptions({jsonOption, refreshOption});
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    const auto& workspace = context.workspace();
    if (parser.isSet(refreshOption)) {
        QNetworkAccessManager network;
        DeploymentMaintenance maintenance(workspace, &network);
        QEventLoop loop;
        QObject::connect(&maintenance, &DeploymentMaintenance::finished, &loop,
                         [&](bool ok, const QString& message, const QString& details) {
                             if (!ok) {
                                 context.warn(message.toStdString() + "\n" + details.toStdString());
                             }
                             loop.quit();
                         });
        maintenance.refresh();
        loop.exec();
    }
    const auto records = workspace.deployments();
    if (parser.isSet(jsonOption)) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& record : records) {
            nlohmann::json item = record;
            item["name"] = record.ollamaName;
            out.push_back(item);
        }
        context.printJson(out);
        return 0;
    }
    TextTable table({"OLLAMA NAME", "SAVED MODEL", "ENVIRONMENT", "QUANT", "STATUS", "ON SERVER", "STARTED"});
    for (const auto& record : records) {
        table.addRow({record.ollamaName, record.savedModel,
                      record.environment.empty() ? record.url : record.environment, record.quantization,
                      std::string(deploymentStatusName(record.status)),
                      record.refreshedAt.empty() ? "?" : (record.presentOnServer ? "yes" : "no"), record.startedAt});
    }
    if (table.isEmpty()) {
        context.info("no deployments yet; deploy a saved model with 'deepext-cli deploy SAVED'");
    } else {
        context.printLine(table.render());
    }
    return 0;
}

} // namespace deepext::cli
