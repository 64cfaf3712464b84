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

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <iostream>

namespace deepext::cli {

EvalCommand::EvalCommand()
    : Command("eval", "Run a prompt file against deployed models (temperature 0); one result line each.")
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
    parser.addOptions({promptsOption, outOption, maxTokensOption});
    if (!parse(parser, arguments, 1, 1000, QStringLiteral("DEPLOYED [DEPLOYED...]"))) {
        return 0;
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
