#include "SaveCommand.h"

#include "CommandContext.h"
#include "InterruptGuard.h"
#include "MergeOptions.h"
#include "ProgressReporter.h"
#include "deepext/workflow/SaveOperation.h"

namespace deepext::cli {

SaveCommand::SaveCommand()
    : Command("save", "Merge a trained model into its base and keep it as a saved model.")
{
}

int SaveCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const MergeOptions options;
    options.addTo(parser);
    if (!parse(parser, arguments, 1, 1, QStringLiteral("TRAINED"))) {
        return 0;
    }
    const OutputDtype dtype = options.dtype(parser);
    const int threads = options.threads(parser);
    const auto& workspace = context.workspace();
    InterruptGuard interrupt;
    ProgressReporter reporter("saving");
    const SaveOutcome outcome = SaveOperation::save(
        workspace, parser.positionalArguments().at(0).toStdString(), dtype, threads,
        [&](const MergeProgress& progress) {
            reporter.update(progress.bytesDone, progress.bytesTotal, progress.phase);
        },
        InterruptGuard::flag());
    reporter.finish();
    for (const auto& warning : outcome.merge.warnings) {
        context.warn(warning);
    }
    context.printLine(outcome.savedName);
    return 0;
}

} // namespace deepext::cli
