#include "ExportGgufCommand.h"

#include "CommandContext.h"
#include "InterruptGuard.h"
#include "ProgressReporter.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/gguf/GgufExporter.h"
#include "deepext/workflow/SavedModelGgufExport.h"

#include <filesystem>

namespace deepext::cli {

ExportGgufCommand::ExportGgufCommand()
    : Command("export-gguf", "Write a saved model, or any Hugging Face model folder, as one GGUF file "
                             "(llama.cpp, LM Studio, Ollama).")
{
}

int ExportGgufCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("A Hugging Face model folder (instead of SAVED)."),
                                         QStringLiteral("DIR"));
    const QCommandLineOption outOption(QStringLiteral("out"), QStringLiteral("The GGUF file to write."),
                                       QStringLiteral("FILE.gguf"));
    const QCommandLineOption typeOption(
        QStringLiteral("type"),
        QStringLiteral("Tensor type: auto (the model's: bf16 or f16), f32, f16, bf16 or q8_0. Norms stay f32."),
        QStringLiteral("TYPE"), QStringLiteral("auto"));
    const QCommandLineOption forceOption(QStringLiteral("force"), QStringLiteral("Replace an existing --out."));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N"),
                                           QStringLiteral("0"));
    parser.addOptions({modelOption, outOption, typeOption, forceOption, threadsOption});
    if (!parse(parser, arguments, 0, 1, QStringLiteral("[SAVED]"))) {
        return 0;
    }
    const bool saved = !parser.positionalArguments().isEmpty();
    if (saved == parser.isSet(modelOption)) {
        throw Error::usage("'export-gguf' needs either a saved model name or --model DIR (not both)");
    }
    if (!parser.isSet(outOption) || parser.value(outOption).isEmpty()) {
        throw Error::usage("'export-gguf' needs --out FILE.gguf");
    }
    bool threadsOk = false;
    const int threads = parser.value(threadsOption).toInt(&threadsOk);
    if (!threadsOk || threads < 0 || threads > 1024) {
        throw Error::usage("--threads takes a whole number from 0 (all cores) to 1024, not '" +
                           parser.value(threadsOption).toStdString() + "'");
    }

    gguf::GgufExportRequest request;
    request.type = gguf::ggufExportTypeFromName(parser.value(typeOption).toStdString());
    request.outputPath = parser.value(outOption).toStdString();
    request.force = parser.isSet(forceOption);
    request.threads = threads;
    std::string savedName;
    if (saved) {
        savedName = parser.positionalArguments().at(0).toStdString();
        if (!context.workspace().savedModelExists(savedName)) {
            throw Error("no saved model named '" + savedName + "' (see 'deepext-cli list')");
        }
    } else {
        request.modelDirectory = parser.value(modelOption).toStdString();
    }
    std::error_code ec;
    if (!request.force && std::filesystem::exists(std::filesystem::symlink_status(request.outputPath, ec))) {
        throw Error(request.outputPath + " already exists (nothing was written); pass --force to replace it");
    }

    InterruptGuard interrupt;
    ProgressReporter reporter("exporting");
    const MergeProgressCallback onProgress = [&](const MergeProgress& progress) {
        reporter.update(progress.bytesDone, progress.bytesTotal, progress.phase);
    };
    // A saved model's card records the export; a plain folder has no card.
    const gguf::GgufExportResult result =
        saved ? SavedModelGgufExport::run(context.workspace(), savedName, request, onProgress, InterruptGuard::flag())
              : gguf::GgufExporter::exportModel(request, onProgress, InterruptGuard::flag());
    reporter.finish();
    for (const auto& warning : result.warnings) {
        context.warn(warning);
    }
    context.info(result.type + ", " + std::to_string(result.tensorCount) + " tensors, " + std::to_string(result.size) +
                 " bytes, sha256 " + result.sha256);
    context.printLine(result.path);
    return 0;
}

} // namespace deepext::cli
