#include "EvalCommand.h"

#include "ChatOptionsParser.h"
#include "CommandContext.h"
#include "InterruptGuard.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/EvaluationLog.h"
#include "deepext/workflow/EvaluationPrompts.h"
#include "deepext/workflow/EvaluationRun.h"
#include "deepext/workflow/ServerChoice.h"
#include "deepext/workflow/ServerModelList.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <iostream>

namespace deepext::cli {

EvalCommand::EvalCommand()
    : Command("eval", "Run a prompt file against deployed models and models the server has (temperature 0); one "
                      "result line each.")
{
}

int EvalCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption promptsOption(QStringLiteral("prompts"),
                                           QStringLiteral("The prompts, one {\"prompt\", \"system\"?, \"expected\"?} "
                                                          "JSON object a line."),
                                           QStringLiteral("FILE.jsonl"));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("Write the result lines here (default: stdout)."),
                                       QStringLiteral("FILE.jsonl"));
    const QCommandLineOption maxTokensOption(
        QStringLiteral("max-tokens"),
        QStringLiteral("Stop each reply after N tokens (default %1).").arg(EvaluationRun::DefaultMaxTokens),
        QStringLiteral("N"));
    const QCommandLineOption serverModelOption(
        QStringLiteral("server-model"),
        QStringLiteral("Also evaluate a model the server of --env already has, not a deployment of ours (the base, "
                       "say); repeatable. Checked against the server's list before any prompt runs."),
        QStringLiteral("NAME"));
    const QCommandLineOption envOption(QStringLiteral("env"),
                                       QStringLiteral("The environment whose server has the --server-model models "
                                                      "(default: the default environment, else OLLAMA_HOST)."),
                                       QStringLiteral("NAME"));
    parser.addOptions({promptsOption, outOption, maxTokensOption, serverModelOption, envOption});
    if (!parse(parser, arguments, 0, 1000, QStringLiteral("[DEPLOYED...]"))) {
        return 0;
    }
    const QStringList serverModels = parser.values(serverModelOption);
    if (parser.positionalArguments().isEmpty() && serverModels.isEmpty()) {
        throw Error::usage(
            "'eval' takes DEPLOYED [DEPLOYED...] or --server-model NAME (see 'deepext-cli eval --help')");
    }
    if (parser.isSet(envOption) && serverModels.isEmpty()) {
        // A deployment talks to the server it was deployed to; --env only says where the server models are.
        throw Error::usage("--env chooses the server of --server-model; give --server-model NAME with it");
    }
    if (!parser.isSet(promptsOption)) {
        throw Error::usage("give the prompts with --prompts FILE.jsonl");
    }
    const int maxTokens = parser.isSet(maxTokensOption) ? ChatOptionsParser::maxTokens(parser.value(maxTokensOption))
                                                        : EvaluationRun::DefaultMaxTokens;
    std::vector<EvaluationPrompt> prompts = EvaluationPrompts::read(parser.value(promptsOption).toStdString());
    const auto& workspace = context.workspace();
    std::vector<DeployedModel> targets;
    for (const QString& name : parser.positionalArguments()) {
        targets.push_back(DeployedModel::find(workspace, name.toStdString()));
    }

    QNetworkAccessManager network;
    InterruptGuard interrupt;
    if (!serverModels.isEmpty()) {
        const ServerChoice server = ServerChoice::resolve(workspace, parser.value(envOption).toStdString());
        for (const std::string& warning : server.warnings()) {
            context.warn(warning);
        }
        // The names against the server's list first: a missing one stops the run before any prompt is sent.
        ServerModelList listed(&network, server);
        QEventLoop listing;
        QObject::connect(&listed, &ServerModelList::finished, &listing, &QEventLoop::quit);
        listed.start();
        if (!listed.isFinished()) {
            listing.exec();
        }
        if (!listed.ok()) {
            throw Error("cannot list the models of " + server.display() + ": " + listed.error().toStdString());
        }
        std::vector<std::string> names;
        for (const QString& name : serverModels) {
            names.push_back(name.toStdString());
        }
        for (DeployedModel& target : listed.targets(names)) {
            targets.push_back(std::move(target));
        }
    }
    EvaluationRun run(&network, std::move(targets), std::move(prompts), maxTokens);
    QEventLoop loop;
    QObject::connect(&run, &EvaluationRun::finished, &loop, &QEventLoop::quit);
    QObject::connect(&run, &EvaluationRun::progress, &loop, [&](int done, int total) {
        if (done > 0) {
            context.info("evaluated " + std::to_string(done) + "/" + std::to_string(total));
        }
    });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (interrupt.interrupted()) {
            run.cancel();
        }
    });
    interruptPoll.start(50);
    run.start();
    if (!run.isFinished()) {
        loop.exec();
    }
    if (run.wasCancelled()) {
        throw Error::cancelled();
    }
    const std::string lines = run.resultLines();
    if (parser.isSet(outOption)) {
        writeFileAtomically(parser.value(outOption).toStdString(), lines);
    } else {
        std::cout << lines << std::flush;
    }

    const nlohmann::json summary = run.summary();
    if (run.savedModels().empty()) {
        context.info("only models of the server were evaluated: no saved model's card keeps the summary");
    }
    for (const std::string& saved : run.savedModels()) {
        if (!workspace.savedModelExists(saved)) {
            context.warn("the saved model " + saved + " is gone; its evaluation summary was not kept");
            continue;
        }
        const std::string file = EvaluationLog::add(workspace, saved, summary, lines);
        context.info("kept the summary in the card of " + saved + " (results: " + file + ")");
    }
    const EvaluationStats stats = run.stats();
    const std::string total = std::to_string(run.total());
    context.info(std::to_string(stats.stoppedByItself) + " of " + total + " replies stopped by themselves" +
                 (stats.expectedTotal > 0 ? ", " + std::to_string(stats.expectedMatches) + " of " +
                                                std::to_string(stats.expectedTotal) + " contain the expected text"
                                          : std::string()));
    if (stats.failed > 0) {
        throw Error(std::to_string(stats.failed) + " of " + total + " prompts failed (their lines carry \"error\")");
    }
    return 0;
}

} // namespace deepext::cli
