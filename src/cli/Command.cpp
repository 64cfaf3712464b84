#include "Command.h"

#include "deepext/base/Error.h"

#include <iostream>

namespace deepext::cli {

Command::Command(std::string name, std::string description)
    : m_name(std::move(name))
    , m_commandLine(m_name)
    , m_description(std::move(description))
{
}

Command::~Command() = default;

std::string Command::helpText(QCommandLineParser& parser) const
{
    std::string text = parser.helpText().toStdString();
    // QCommandLineParser names the binary; show the full command instead.
    const std::string marker = "Usage: ";
    if (const auto pos = text.find(marker); pos != std::string::npos) {
        const auto end = text.find(' ', pos + marker.size());
        text.replace(pos + marker.size(), end - pos - marker.size(), "deepext-cli " + m_commandLine);
    }
    return text;
}

bool Command::parse(QCommandLineParser& parser, const QStringList& arguments, int minPositional, int maxPositional,
                    const QString& positionalSyntax)
{
    parser.setApplicationDescription(QString::fromStdString(m_description));
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!positionalSyntax.isEmpty()) {
        parser.addPositionalArgument(positionalSyntax, QString(), positionalSyntax);
    }
    if (!parser.parse(arguments)) {
        throw Error::usage(parser.errorText().toStdString() + " (see 'deepext-cli " + m_commandLine + " --help')");
    }
    if (parser.isSet(help)) {
        std::cout << helpText(parser);
        return false;
    }
    const auto count = static_cast<int>(parser.positionalArguments().size());
    if (count < minPositional || count > maxPositional) {
        const std::string expected = positionalSyntax.isEmpty() ? "no arguments" : positionalSyntax.toStdString();
        throw Error::usage("'" + m_commandLine + "' takes " + expected + " (see 'deepext-cli " + m_commandLine +
                           " --help')");
    }
    return true;
}

} // namespace deepext::cli
