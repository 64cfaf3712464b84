#include "EvalCommand.h"

#include "ChatOptionsParser.h"
#include "CommandContext.h"
#include "InterruptGuard.h"
#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/Workspace.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/EvaluationLog.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QTimer>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>

namespace deepext::cli {

namespace {

constexpr int DefaultMaxTokens = 512;
constexpr int FixedSeed = 42; // temperature 0 and a fixed seed: the same prompt gives the same reply

struct EvalPrompt
{
    std::string prompt;
    std::string system;
    std::optional<std::string> expected;
};

// One {"prompt": ..., "system"?: ..., "expected"?: ...} a line; blank lines are skipped. Errors name file and line.
std::vector<EvalPrompt> readPrompts(const std::string& path)
{
    std::ifstream in(path);
    if (!in) {
        throw Error("cannot read the prompt file " + path);
    }
    std::vector<EvalPrompt> prompts;
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
        const auto where = [&] { return path + ":" + std::to_string(number) + ": "; };
        if (text.find_first_not_of(" \t\r") == std::string::npos) {
            continue;
        }
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            throw Error(where() + "not a JSON object; each line must be {\"prompt\": \"...\"} with optional \"system\" "
                                  "and \"expected\"");
        }
        EvalPrompt prompt;
        for (const auto& [key, value] : json.items()) {
            if (key != "prompt" && key != "system" && key != "expected") {
                throw Error(where() + "unknown field \"" + key + "\" (known: prompt, system, expected)");
            }
            if (!value.is_string()) {
                throw Error(where() + "\"" + key + "\" must be a string");
            }
        }
        if (!json.contains("prompt") || json["prompt"].get<std::string>().empty()) {
            throw Error(where() + "\"prompt\" is missing or empty");
        }
        prompt.prompt = json["prompt"];
        prompt.system = json.value("system", "");
        if (json.contains("expected")) {
            prompt.expected = json["expected"].get<std::string>();
        }
        prompts.push_back(std::move(prompt));
    }
    if (prompts.empty()) {
        throw Error("the prompt file " + path + " holds no prompts");
    }
    return prompts;
}

double median(std::vector<double> values)
{
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

} // namespace

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
        QStringLiteral("Stop each reply after N tokens (default %1).").arg(DefaultMaxTokens), QStringLiteral("N"));
    parser.addOptions({promptsOption, outOption, maxTokensOption});
    if (!parse(parser, arguments, 1, 1000, QStringLiteral("DEPLOYED [DEPLOYED...]"))) {
        return 0;
    }
    if (!parser.isSet(promptsOption)) {
        throw Error::usage("give the prompts with --prompts FILE.jsonl");
    }
    const int maxTokens =
        parser.isSet(maxTokensOption) ? ChatOptionsParser::maxTokens(parser.value(maxTokensOption)) : DefaultMaxTokens;
    const std::vector<EvalPrompt> prompts = readPrompts(parser.value(promptsOption).toStdString());
    const auto& workspace = context.workspace();
    std::vector<DeployedModel> targets;
    for (const QString& name : parser.positionalArguments()) {
        targets.push_back(DeployedModel::find(workspace, name.toStdString()));
    }

    QNetworkAccessManager network;
    QObject owner;
    InterruptGuard interrupt;
    std::string lines;
    int stoppedByItself = 0;
    int expectedTotal = 0;
    int expectedMatches = 0;
    int failed = 0;
    std::vector<double> rates;
    const std::size_t total = targets.size() * prompts.size();
    std::size_t done = 0;
    for (const DeployedModel& target : targets) {
        ollama::OllamaClient* client = target.client(&network, &owner);
        for (std::size_t index = 0; index < prompts.size(); ++index) {
            ollama::ChatRequest request;
            request.model = QString::fromStdString(target.record().ollamaName);
            request.system = QString::fromStdString(prompts[index].system);
            request.messages.append(
                ollama::ChatMessage{QStringLiteral("user"), QString::fromStdString(prompts[index].prompt)});
            request.options.numPredict = maxTokens;
            request.options.temperature = 0.0;
            request.options.seed = FixedSeed;
            ollama::ChatCall* call = client->chat(request);
            QEventLoop loop;
            QObject::connect(call, &ollama::ChatCall::finished, &loop, [&] { loop.quit(); });
            QTimer interruptPoll;
            QObject::connect(&interruptPoll, &QTimer::timeout, &loop, [&] {
                if (interrupt.interrupted()) {
                    call->cancel();
                }
            });
            interruptPoll.start(50);
            if (!call->isFinished()) {
                loop.exec();
            }
            if (call->result().cancelled()) {
                throw Error::cancelled();
            }
            const ollama::ChatReply& reply = call->reply();
            nlohmann::json line = {{"deployment", target.record().ollamaName},
                                   {"prompt_index", index},
                                   {"reply", reply.text.toStdString()}};
            if (call->result().ok()) {
                line["done_reason"] = reply.doneReason.toStdString();
                line["tokens"] = reply.metrics.evalCount;
                line["tokens_per_second"] = reply.metrics.tokensPerSecond();
                stoppedByItself += reply.stoppedByItself() ? 1 : 0;
                rates.push_back(reply.metrics.tokensPerSecond());
            } else {
                line["done_reason"] = nullptr;
                line["error"] = call->result().message.toStdString();
                ++failed;
            }
            if (prompts[index].expected) {
                const bool contains =
                    reply.text.contains(QString::fromStdString(*prompts[index].expected), Qt::CaseSensitive);
                line["contains_expected"] = contains;
                ++expectedTotal;
                expectedMatches += contains ? 1 : 0;
            }
            lines += line.dump() + "\n";
            call->deleteLater();
            ++done;
            context.info("evaluated " + std::to_string(done) + "/" + std::to_string(total));
        }
    }
    if (parser.isSet(outOption)) {
        writeFileAtomically(parser.value(outOption).toStdString(), lines);
    } else {
        std::cout << lines << std::flush;
    }

    nlohmann::json deployments = nlohmann::json::array();
    std::set<std::string> savedModels;
    for (const DeployedModel& target : targets) {
        deployments.push_back(target.record().ollamaName);
        savedModels.insert(target.record().savedModel);
    }
    const nlohmann::json summary = {{"when", isoNowUtc()},
                                    {"deployments", deployments},
                                    {"prompts", prompts.size()},
                                    {"replies", total},
                                    {"failed", failed},
                                    {"stopped_by_itself", stoppedByItself},
                                    {"expected_total", expectedTotal},
                                    {"expected_matches", expectedMatches},
                                    {"median_tokens_per_second", median(rates)},
                                    {"max_tokens", maxTokens}};
    for (const std::string& saved : savedModels) {
        if (!workspace.savedModelExists(saved)) {
            context.warn("the saved model " + saved + " is gone; its evaluation summary was not kept");
            continue;
        }
        const std::string file = EvaluationLog::add(workspace, saved, summary, lines);
        context.info("kept the summary in the card of " + saved + " (results: " + file + ")");
    }
    context.info(std::to_string(stoppedByItself) + " of " + std::to_string(total) + " replies stopped by themselves" +
                 (expectedTotal > 0 ? ", " + std::to_string(expectedMatches) + " of " + std::to_string(expectedTotal) +
                                          " contain the expected text"
                                    : std::string()));
    if (failed > 0) {
        throw Error(std::to_string(failed) + " of " + std::to_string(total) +
                    " prompts failed (their lines carry \"error\")");
    }
    return 0;
}

} // namespace deepext::cli
