#include "EnvAddCommand.h"

#include "CommandContext.h"
#include "deepext/base/Error.h"
#include "deepext/base/Naming.h"
#include "deepext/base/Workspace.h"

#include <QFileInfo>
#include <QUrl>

namespace deepext::cli {

EnvAddCommand::EnvAddCommand()
    : Command("add", "Add a deployment environment: a named Ollama server.")
{
}

int EnvAddCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption urlOption(QStringLiteral("url"),
                                       QStringLiteral("Ollama server URL, e.g. http://127.0.0.1:11434."),
                                       QStringLiteral("URL"));
    const QCommandLineOption defaultOption(QStringLiteral("default"), QStringLiteral("Make it the default."));
    const QCommandLineOption caOption(
        QStringLiteral("ca-file"), QStringLiteral("PEM file of the CA that signed an https:// server's certificate."),
        QStringLiteral("FILE"));
    parser.addOptions({urlOption, defaultOption, caOption});
    if (!parse(parser, arguments, 1, 1, QStringLiteral("NAME"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    if (const std::string problem = naming::checkTechnicalName(name, "environment name"); !problem.empty()) {
        throw Error::usage(problem);
    }
    if (!parser.isSet(urlOption)) {
        throw Error::usage("'env add' needs --url URL (the Ollama server, e.g. http://127.0.0.1:11434)");
    }
    const QUrl url(parser.value(urlOption), QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
        url.host().isEmpty()) {
        throw Error::usage("'" + parser.value(urlOption).toStdString() +
                           "' is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:11434");
    }
    EnvironmentRecord record{name, url.toString(QUrl::StripTrailingSlash).toStdString(), {}};
    if (parser.isSet(caOption)) {
        const QFileInfo ca(parser.value(caOption));
        if (!ca.isFile() || !ca.isReadable()) {
            throw Error("the CA file " + parser.value(caOption).toStdString() + " does not exist or cannot be read");
        }
        record.caFile = ca.absoluteFilePath().toStdString();
    }
    context.workspace().addEnvironment(record, parser.isSet(defaultOption));
    context.info("added environment " + name + " (" + record.url + ")");
    return 0;
}

} // namespace deepext::cli
