#include "TryCommand.h"

#include "ChatOptionsParser.h"
#include "CommandContext.h"
#include "InterruptGuard.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/workflow/DeployedModel.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <fmt/format.h>

#include <iostream>
#include <iterator>

namespace deepext::cli {

namespace {

constexpr int DefaultMaxTokens = 512;

} // namespace

TryCommand::TryCommand()
    : Command("try", "Chat once with a deployed model: the reply streams to stdout.")
{
}

int TryCommand::execute(CommandContext& context, const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption promptOption(
        QStringLiteral("prompt"), QStringLiteral("What to say (default: read from stdin)."), QStringLiteral("TEXT"));
    const QCommandLineOption systemOption(QStringLiteral("system"),
                                          QStringLiteral("A system prompt (default: the model's own)."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption maxTokensOption(
        QStringLiteral("max-tokens"),
        QStringLiteral("Stop the reply after N tokens (default %1).").arg(DefaultMaxTokens), QStringLiteral("N"));
    const QCommandLineOption temperatureOption(QStringLiteral("temperature"),
                                               QStringLiteral("Sampling temperature, 0 to 2 (default: the model's)."),
                                               QStringLiteral("X"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object (reply, done reason, metrics) at the "
                                                       "end instead of streaming."));
    parser.addOptions({promptOption, systemOption, maxTokensOption, temperatureOption, jsonOption});
    if (!parse(parser, arguments, 1, 1, QStringLiteral("DEPLOYED"))) {
        return 0;
    }
    ollama::ChatRequest request;
    request.options.numPredict =
        parser.isSet(maxTokensOption) ? ChatOptionsParser::maxTokens(parser.value(maxTokensOption)) : DefaultMaxTokens;
    if (parser.isSet(temperatureOption)) {
        request.options.temperature = ChatOptionsParser::temperature(parser.value(temperatureOption));
    }
    request.system = parser.value(systemOption);
    QString prompt = parser.value(promptOption);
    if (!parser.isSet(promptOption)) {
        if (context.stdinIsTerminal()) {
            throw Error::usage("give the prompt with --prompt TEXT or on stdin");
        }
        const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
        prompt = QString::fromStdString(input);
    }
    if (prompt.trimmed().isEmpty()) {
        throw Error::usage("the prompt is empty: give it with --prompt TEXT or on stdin");
    }
    request.messages.append(ollama::ChatMessage{QStringLiteral("user"), prompt});
    const bool json = parser.isSet(jsonOption);

    const DeployedModel target =
        DeployedModel::find(context.workspace(), parser.positionalArguments().at(0).toStdString());
    request.model = QString::fromStdString(target.record().ollamaName);
    QNetworkAccessManager network;
    QObject owner;
    ollama::OllamaClient* client = target.client(&network, &owner);
    InterruptGuard interrupt;
    QEventLoop loop;
    ollama::ChatCall* call = client->chat(request);
    bool printed = false;
    QObject::connect(call, &ollama::ChatCall::piece, &loop, [&](const QString& text) {
        if (!json) {
            std::cout << text.toStdString() << std::flush;
            printed = true;
        }
    });
    QTimer loadingNotice;
    loadingNotice.setSingleShot(true);
    QObject::connect(&loadingNotice, &QTimer::timeout, &loop, [&] {
        if (call->phase() == ollama::ChatCall::Phase::WaitingForFirstPiece) {
            context.info("waiting for " + target.record().ollamaName + " to answer (Ollama may be loading the model)");
        }
    });
    QObject::connect(call, &ollama::ChatCall::phaseChanged, &loop, [&](ollama::ChatCall::Phase phase) {
        if (phase == ollama::ChatCall::Phase::WaitingForFirstPiece) {
            loadingNotice.start(2000);
        }
    });
    QObject::connect(call, &ollama::ChatCall::finished, &loop, [&] { loop.quit(); });
    QTimer interruptPoll;
    QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
        if (interrupt.interrupted()) {
            call->cancel(); // finished() comes from inside, so the loop ends
        }
    });
    interruptPoll.start(50);
    loop.exec();

    const ollama::OllamaResult& result = call->result();
    const ollama::ChatReply& reply = call->reply();
    if (printed) {
        std::cout << '\n' << std::flush;
    }
    if (json && (result.ok() || result.cancelled())) {
        nlohmann::json out = {
            {"deployment", target.record().ollamaName},
            {"server", target.record().url},
            {"reply", reply.text.toStdString()},
            {"done_reason", result.ok() ? nlohmann::json(reply.doneReason.toStdString()) : nlohmann::json(nullptr)},
            {"stopped_by_itself", reply.stoppedByItself()},
            {"metrics", reply.metrics.toJson()}};
        if (result.cancelled()) {
            out["cancelled"] = true;
        }
        context.printJson(out);
    }
    if (result.cancelled()) {
        throw Error("stopped by the user (Ctrl+C); the reply above is incomplete", {}, Error::Kind::Cancelled);
    }
    if (!result.ok()) {
        throw Error(result.message.toStdString());
    }
    if (!json) {
        context.info(fmt::format("done: {}, {} tokens, {:.1f} tokens/s", reply.doneReason.toStdString(),
                                 reply.metrics.evalCount, reply.metrics.tokensPerSecond()));
    }
    if (reply.doneReason == QStringLiteral("length")) {
        context.warn(fmt::format("the reply hit the limit of {} tokens before the model stopped by itself; if it "
                                 "never stops, check the stop parameters of the Deployment Template File",
                                 *request.options.numPredict));
    }
    return 0;
}

} // namespace deepext::cli
