#include "CliGgufExport.h"

#include "CliRunner.h"
#include "deepext/base/Error.h"

#include <filesystem>

namespace deepext::test {

gguf::GgufReader CliGgufExport::run(const QStringList& globalOptions, const QStringList& source, const std::string& out,
                                    const std::string& type)
{
    QStringList arguments = globalOptions;
    arguments << QStringLiteral("export-gguf") << source << QStringLiteral("--out") << QString::fromStdString(out)
              << QStringLiteral("--type") << QString::fromStdString(type);
    const CliResult result = runCli(arguments);
    if (result.exitCode != 0) {
        throw Error("deepext-cli " + arguments.join(QLatin1Char(' ')).toStdString() + " failed (exit " +
                    std::to_string(result.exitCode) + "): " + result.err);
    }
    std::error_code error;
    if (!std::filesystem::is_regular_file(out, error)) {
        throw Error("deepext-cli export-gguf succeeded but wrote no " + out + ": " + result.err);
    }
    return gguf::GgufReader::open(out);
}

} // namespace deepext::test
