#include "VerifyCommand.h"

#include "CommandContext.h"
#include "InterruptGuard.h"
#include "ProgressReporter.h"
#include "deepext/base/Error.h"
#include "deepext/workflow/SavedModelOperations.h"

namespace deepext::cli {

VerifyCommand::VerifyCommand()
    : Command("verify", "Re-hash a saved model's files against its model card.")
{
}

int VerifyCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    if (!parse(parser, arguments, 1, 1, QStringLiteral("SAVED"))) {
        return 0;
    }
    const std::string name = parser.positionalArguments().at(0).toStdString();
    InterruptGuard interrupt;
    ProgressReporter reporter("verifying");
    const VerifyReport report = SavedModelOperations::verify(
        context.workspace(), name, [&](std::uint64_t done, std::uint64_t total) { reporter.update(done, total); },
        InterruptGuard::flag());
    reporter.finish();
    for (const auto& extra : report.unexpected) {
        context.warn("not in the card: " + extra);
    }
    if (report.ok()) {
        context.printLine(name + ": " + std::to_string(report.checked) + " files match the model card");
        return 0;
    }
    std::string details;
    for (const auto& file : report.changed) {
        details += "changed: " + file + "\n";
    }
    for (const auto& file : report.missing) {
        details += "missing: " + file + "\n";
    }
    details.pop_back();
    throw Error(name + " does not match its model card: " + std::to_string(report.changed.size()) + " changed, " +
                    std::to_string(report.missing.size()) + " missing file(s)",
                details);
}

} // namespace deepext::cli
