#include "MergeCommand.h"

#include "CommandContext.h"
#include "InterruptGuard.h"
#include "MergeOptions.h"
#include "ProgressReporter.h"
#include "deepext/base/Error.h"
#include "deepext/workflow/SaveOperation.h"

namespace deepext::cli {

MergeCommand::MergeCommand()
    : Command("merge", "Merge an adapter into a base model folder without a workspace.")
{
}

int MergeCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption baseOption(QStringLiteral("base"), QStringLiteral("Base model folder."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption adapterOption(QStringLiteral("adapter"), QStringLiteral("PEFT LoRA adapter folder."),
                                           QStringLiteral("DIR"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("Output folder (new or empty)."),
                                       QStringLiteral("DIR"));
    parser.addOptions({baseOption, adapterOption, outOption});
    const MergeOptions options;
    options.addTo(parser);
    if (!parse(parser, arguments, 0, 0)) {
        return 0;
    }
    if (!parser.isSet(baseOption) || !parser.isSet(adapterOption) || !parser.isSet(outOption)) {
        throw Error::usage("'merge' needs --base DIR, --adapter DIR and --out DIR");
    }
    const OutputDtype dtype = options.dtype(parser);
    const int threads = options.threads(parser);
    InterruptGuard interrupt;
    ProgressReporter reporter("merging");
    const SaveOutcome outcome = SaveOperation::mergeStandalone(
        parser.value(baseOption).toStdString(), parser.value(adapterOption).toStdString(),
        parser.value(outOption).toStdString(), dtype, threads,
        [&](const MergeProgress& progress) {
            reporter.update(progress.bytesDone, progress.bytesTotal, progress.phase);
        },
        InterruptGuard::flag());
    reporter.finish();
    for (const auto& warning : outcome.merge.warnings) {
        context.warn(warning);
    }
    context.printLine(outcome.path);
    return 0;
}

} // namespace deepext::cli
