#include "UndeployCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeploymentMaintenance.h"

#include <QEventLoop>
#include <QNetworkAccessManager>

namespace deepext::cli {

UndeployCommand::UndeployCommand()
    : Command("undeploy", "Remove a deployed model from its Ollama (the record stays, marked removed).")
{
}

int UndeployCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("DEPLOYED"))) {
        return 0;
    }
    QNetworkAccessManager network;
    DeploymentMaintenance maintenance(context.workspace(), &network);
    QEventLoop loop;
    bool ok = false;
    std::string message;
    std::string details;
    QObject::connect(&maintenance, &DeploymentMaintenance::finished, &loop,
                     [&](bool success, const QString& text, const QString& more) {
                         ok = success;
                         message = text.toStdString();
                         details = more.toStdString();
                         loop.quit();
                     });
    maintenance.undeploy(parser.positionalArguments().at(0).toStdString());
    loop.exec();
    if (!ok) {
        throw Error(message, details);
    }
    context.info(message);
    return 0;
}

} // namespace deepext::cli
