#include "DeployCommand.h"

#include "CommandContext.h"
#include "InterruptGuard.h"
#include "ProgressReporter.h"
#include "deepext/base/Error.h"
#include "deepext/ollama/Deployer.h"
#include "deepext/workflow/DeployOperation.h"
#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/PostDeployCheck.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <memory>

namespace deepext::cli {

DeployCommand::DeployCommand()
    : Command("deploy", "Deploy a saved model to an Ollama server.")
{
}

int DeployCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption envOption(QStringLiteral("env"), QStringLiteral("Deployment environment."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption urlOption(QStringLiteral("url"), QStringLiteral("Ollama server URL."),
                                       QStringLiteral("URL"));
    const QCommandLineOption quantizeOption(QStringLiteral("quantize"),
                                            QStringLiteral("no_quantization, q8_0, q4_K_M (default) or q4_K_S."),
                                            QStringLiteral("Q"), QStringLiteral("q4_K_M"));
    const QCommandLineOption nameOption(QStringLiteral("name"), QStringLiteral("Ollama model name."),
                                        QStringLiteral("OLLAMA_NAME"));
    const QCommandLineOption systemOption(QStringLiteral("system"), QStringLiteral("System prompt."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption paramOption(QStringLiteral("param"), QStringLiteral("Model parameter (repeatable)."),
                                         QStringLiteral("KEY=VALUE"));
    const QCommandLineOption templateOption(QStringLiteral("template"),
                                            QStringLiteral("Deployment Template File to use instead of the base's."),
                                            QStringLiteral("FILE"));
    const QCommandLineOption autodetectOption(QStringLiteral("autodetect-template"),
                                              QStringLiteral("Let Ollama detect the template."));
    const QCommandLineOption formatOption(
        QStringLiteral("format"),
        QStringLiteral("How the weights go: auto (default: safetensors where the server's converter takes the "
                       "architecture, else GGUF), safetensors or gguf."),
        QStringLiteral("FORMAT"), QStringLiteral("auto"));
    const QCommandLineOption ggufTypeOption(
        QStringLiteral("gguf-type"),
        QStringLiteral("The GGUF file's type when it goes as GGUF: auto (the model's: bf16 or f16), f16, bf16, f32 "
                       "or q8_0 (only with --quantize no_quantization). Written once into the saved model."),
        QStringLiteral("TYPE"), QStringLiteral("auto"));
    const QCommandLineOption templateFromOption(
        QStringLiteral("template-from"),
        QStringLiteral("snapshot (default: the template captured at save time) or base (the base's current one)."),
        QStringLiteral("SOURCE"), QStringLiteral("snapshot"));
    const QCommandLineOption replaceOption(
        QStringLiteral("replace"), QStringLiteral("Replace a model of the same name that the server already has."));
    const QCommandLineOption checkOption(QStringLiteral("check"),
                                         QStringLiteral("After the deploy, chat once with the model to check that it "
                                                        "answers and stops by itself (a warning, never a failure)."));
    parser.addOptions({envOption, urlOption, quantizeOption, nameOption, systemOption, paramOption, templateOption,
                       autodetectOption, formatOption, ggufTypeOption, templateFromOption, replaceOption, checkOption});
    if (!parse(parser, arguments, 1, 1, QStringLiteral("SAVED"))) {
        return 0;
    }
    if (parser.isSet(envOption) && parser.isSet(urlOption)) {
        throw Error::usage("give either --env NAME or --url URL, not both");
    }
    DeployOptions options;
    options.environment = parser.value(envOption).toStdString();
    options.url = parser.value(urlOption).toStdString();
    options.quantization = parser.value(quantizeOption).toStdString();
    options.ollamaName = parser.value(nameOption).toStdString();
    options.system = parser.value(systemOption).toStdString();
    for (const auto& value : parser.values(paramOption)) {
        options.parameters.push_back(value.toStdString());
    }
    options.templateFile = parser.value(templateOption).toStdString();
    options.autodetectTemplate = parser.isSet(autodetectOption);
    options.format = parser.value(formatOption).toStdString();
    options.ggufType = parser.value(ggufTypeOption).toStdString();
    options.replaceExisting = parser.isSet(replaceOption);
    if (const QString from = parser.value(templateFromOption); from == QLatin1String("base")) {
        options.templateFrom = TemplateFrom::Base;
    } else if (from != QLatin1String("snapshot")) {
        throw Error::usage("--template-from " + from.toStdString() + " is not known; choose snapshot or base");
    }
    const std::string saved = parser.positionalArguments().at(0).toStdString();
    const auto& workspace = context.workspace();

    // Refuse bad options before anything touches the network (a usage mistake exits 2, a missing template 1).
    const ResolvedDeployment preview = DeployOperation::resolve(workspace, saved, options);

    QNetworkAccessManager network;
    DeployOperation operation(workspace, &network);
    InterruptGuard interrupt;
    auto reporter = std::make_unique<ProgressReporter>("uploading");
    QEventLoop loop;
    bool ok = false;
    std::string message;
    std::string details;
    std::string progressPhase; // the GGUF export's progress is labelled as such, not as an upload
    QObject::connect(&operation, &DeployOperation::phaseChanged, &loop, [&](const QString& phase) {
        reporter->finish();
        context.info(phase.toStdString());
        const bool gguf = phase == ollama::Deployer::phaseName(ollama::Deployer::Phase::PreparingGguf);
        progressPhase = gguf ? "writing GGUF" : std::string();
    });
    QObject::connect(&operation, &DeployOperation::progressChanged, &loop, [&](qint64 done, qint64 total) {
        reporter->update(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total), progressPhase);
    });
    QObject::connect(&operation, &DeployOperation::statusLine, &loop, [&](const QString& line) {
        reporter->finish();
        context.info("ollama: " + line.toStdString());
    });
    QObject::connect(&operation, &DeployOperation::warning, &loop,
                     [&](const QString& text) { context.warn(text.toStdString()); });
    QObject::connect(&operation, &DeployOperation::finished, &loop,
                     [&](bool success, const QString& text, const QString& more) {
                         ok = success;
                         message = text.toStdString();
                         details = more.toStdString();
                         loop.quit();
                     });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (interrupt.interrupted()) {
            operation.cancel();
        }
    });
    interruptPoll.start(100);
    operation.start(preview, options.autodetectTemplate);
    loop.exec();
    reporter->finish();
    if (!ok) {
        throw Error(message, details);
    }
    context.info(message);
    if (parser.isSet(checkOption) && !interrupt.interrupted()) {
        // The model exists whatever the check finds: its outcome is a line (or a warning), never the exit code.
        context.info("checking that the model answers...");
        PostDeployCheck check(&network);
        QEventLoop checkLoop;
        QString outcome;
        QString text;
        QObject::connect(&check, &PostDeployCheck::finished, &checkLoop,
                         [&](const QString& checkOutcome, const QString& checkText) {
                             outcome = checkOutcome;
                             text = checkText;
                             checkLoop.quit();
                         });
        QTimer checkInterruptPoll;
        QObject::connect(&checkInterruptPoll, &QTimer::timeout, &checkLoop, [&] {
            if (interrupt.interrupted()) {
                check.cancel();
                context.warn("check: skipped (Ctrl+C)");
                checkLoop.quit();
            }
        });
        checkInterruptPoll.start(100);
        try {
            check.start(DeployedModel::find(workspace, operation.record().ollamaName));
            checkLoop.exec();
        } catch (const Error& error) {
            outcome = QStringLiteral("error");
            text = QString::fromStdString(error.message());
        }
        if (!outcome.isEmpty()) {
            if (outcome == QStringLiteral("ok")) {
                context.info("check: ok (it answered and stopped by itself)");
            } else {
                context.warn("check: " + outcome.toStdString() + ": " + text.toStdString());
            }
            try {
                PostDeployCheck::record(workspace, operation.record(), outcome, text);
            } catch (const Error& error) {
                context.warn("the check's outcome could not be kept in the deployment record: " + error.message());
            }
        }
    }
    context.printLine(operation.record().ollamaName);
    return 0;
}

} // namespace deepext::cli
