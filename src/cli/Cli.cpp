#include "Cli.h"

#include "CommandContext.h"
#include "Commands.h"
#include "deepext/base/Error.h"
#include "deepext/base/Logging.h"

#include <iostream>

namespace deepext::cli {

Cli::Cli()
    : m_commands(allCommands())
{
}

Cli::~Cli() = default;

std::string Cli::usage() const
{
    std::string text = "Usage: deepext-cli [--workspace DIR] [--log-level LEVEL] COMMAND ...\n"
                       "Merge LoRA adapters into their base models, keep them as saved models, deploy them to "
                       "Ollama.\n\nCommands:\n";
    for (const auto& command : m_commands) {
        std::string padded = command->name();
        padded.resize(std::max<std::size_t>(padded.size() + 2, 12), ' ');
        text += "  " + padded + command->description() + "\n";
    }
    text += "\nGlobal options:\n"
            "  --workspace DIR     the workspace folder (default: $DEEPEXT_WORKSPACE, else ~/.local/share/deepext)\n"
            "  --log-level LEVEL   trace, debug, info, warn (default), error, off: what is logged to stderr\n"
            "  --version           print the version\n"
            "Exit codes: 0 success, 1 the operation failed, 2 usage error.\n";
    return text;
}

int Cli::run(const QStringList& arguments)
{
    std::string workspaceOption;
    std::string logLevel = "warn";
    int index = 1;
    try {
        // Global options come before the command word.
        while (index < arguments.size()) {
            const QString word = arguments.at(index);
            auto valueOf = [&](const QString& option) -> std::string {
                if (word.startsWith(option + QLatin1Char('='))) {
                    return word.mid(option.size() + 1).toStdString();
                }
                if (index + 1 >= arguments.size()) {
                    throw Error::usage(option.toStdString() + " needs a value");
                }
                return arguments.at(++index).toStdString();
            };
            if (word == QLatin1String("--workspace") || word.startsWith(QLatin1String("--workspace="))) {
                workspaceOption = valueOf(QStringLiteral("--workspace"));
            } else if (word == QLatin1String("--log-level") || word.startsWith(QLatin1String("--log-level="))) {
                logLevel = valueOf(QStringLiteral("--log-level"));
                if (!logging::isValidLevel(logLevel)) {
                    throw Error::usage("unknown log level '" + logLevel +
                                       "'; use trace, debug, info, warn, error, critical or off");
                }
            } else if (word == QLatin1String("--help") || word == QLatin1String("-h") ||
                       word == QLatin1String("help")) {
                std::cout << usage();
                return 0;
            } else if (word == QLatin1String("--version")) {
                std::cout << "deepext-cli " << DEEPEXT_VERSION << '\n';
                return 0;
            } else if (word.startsWith(QLatin1Char('-'))) {
                throw Error::usage("unknown option '" + word.toStdString() + "' (see 'deepext-cli --help')");
            } else {
                break;
            }
            ++index;
        }
        if (index >= arguments.size()) {
            throw Error::usage("no command given (see 'deepext-cli --help')");
        }
        logging::init({logLevel, true, {}});
        const std::string commandName = arguments.at(index).toStdString();
        for (const auto& command : m_commands) {
            if (command->name() == commandName) {
                CommandContext context(workspaceOption, logLevel);
                return command->execute(context, arguments.mid(index));
            }
        }
        throw Error::usage("unknown command '" + commandName + "' (see 'deepext-cli --help')");
    } catch (const Error& error) {
        if (error.kind() == Error::Kind::Usage) {
            std::cerr << "error: " << error.message() << '\n';
            return 2;
        }
        std::cerr << "error: " << error.message() << '\n';
        if (!error.details().empty()) {
            std::cerr << error.details() << '\n';
        }
        logging::cli()->debug("failed: {}", error.message());
        return 1;
    } catch (const std::exception& error) {
        std::cerr << "error: " << error.what() << '\n';
        return 1;
    }
}

} // namespace deepext::cli
