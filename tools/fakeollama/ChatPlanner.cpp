#include "ChatPlanner.h"

#include "GoEncoding.h"
#include "GoJsonDecoder.h"
#include "ModelName.h"

#include <algorithm>

namespace deepext::fake {

using nlohmann::json;

namespace {

constexpr int DefaultNumCtx = 4096;
// What a model that runs on keeps saying after its answer.
const QStringList RunOnPieces = {QStringLiteral(" And"), QStringLiteral(" so"), QStringLiteral(" on.")};

HttpResponse errorResponse(int status, const QString& message)
{
    return {status, GoEncoding::JsonType, GoEncoding::error(message)};
}

// "Hello from m. You said: hi" as pieces: the first word, then each further word with its leading space.
QStringList piecesOf(const QString& text)
{
    QStringList pieces;
    const QStringList words = text.split(u' ');
    for (qsizetype i = 0; i < words.size(); ++i) {
        pieces.append(i == 0 ? words[i] : QStringLiteral(" ") + words[i]);
    }
    return pieces;
}

qint64 wordCount(const QString& text)
{
    return text.split(u' ', Qt::SkipEmptyParts).size();
}

// api.Options.FromMap's checks for the options the stand-in reads (errors answered with HTTP 500).
QString optionError(const json& options)
{
    for (const char* key : {"num_predict", "seed", "num_ctx"}) {
        if (options.contains(key) && !options[key].is_number()) {
            return QStringLiteral("option \"%1\" must be of type integer").arg(QLatin1String(key));
        }
    }
    if (options.contains("temperature") && !options["temperature"].is_number()) {
        return QStringLiteral("option \"temperature\" must be of type float32");
    }
    if (options.contains("stop")) {
        const json& stop = options["stop"];
        bool strings = stop.is_array();
        for (const auto& item : stop.is_array() ? stop : json::array()) {
            strings = strings && item.is_string();
        }
        if (!strings) {
            return QStringLiteral("option \"stop\" must be of type array of strings");
        }
    }
    return {};
}

QStringList stringList(const json& value)
{
    QStringList out;
    for (const auto& item : value.is_array() ? value : json::array({value})) {
        if (item.is_string()) {
            out.append(QString::fromStdString(item.get<std::string>()));
        }
    }
    return out;
}

} // namespace

ChatPlanner::ChatPlanner(ServerState& state)
    : m_state(state)
{
}

ChatPlan ChatPlanner::plan(const QByteArray& body, bool generate)
{
    using T = GoJsonDecoder::Type;
    ChatPlan plan;
    plan.generate = generate;
    const GoJsonDecoder::Result decoded = generate ? GoJsonDecoder::decode(body, "GenerateRequest",
                                                                           {{"model", T::String},
                                                                            {"prompt", T::String},
                                                                            {"suffix", T::String},
                                                                            {"system", T::String},
                                                                            {"template", T::String},
                                                                            {"stream", T::Bool},
                                                                            {"raw", T::Bool},
                                                                            {"options", T::AnyMap},
                                                                            {"keep_alive", T::Any},
                                                                            {"format", T::Any},
                                                                            {"context", T::Any},
                                                                            {"images", T::Any},
                                                                            {"think", T::Any}})
                                                   : GoJsonDecoder::decode(body, "ChatRequest",
                                                                           {{"model", T::String},
                                                                            {"messages", T::Messages},
                                                                            {"stream", T::Bool},
                                                                            {"options", T::AnyMap},
                                                                            {"keep_alive", T::Any},
                                                                            {"format", T::Any},
                                                                            {"tools", T::Any},
                                                                            {"think", T::Any}});
    if (decoded.empty) {
        plan.immediate = errorResponse(400, QStringLiteral("missing request body"));
        return plan;
    }
    if (!decoded.error.isEmpty()) {
        plan.immediate = errorResponse(400, decoded.error);
        return plan;
    }
    const json& request = decoded.value;
    plan.model = GoEncoding::string(request, "model");
    plan.stream = !(request.contains("stream") && request["stream"].is_boolean() && !request["stream"].get<bool>());
    const ModelName name = ModelName::parse(plan.model);
    const std::optional<json> record = name.isValid() ? m_state.store().record(name) : std::nullopt;
    if (!generate && !name.isValid()) {
        plan.immediate = errorResponse(400, QStringLiteral("model is required"));
        return plan;
    }
    if (!record) {
        plan.immediate = errorResponse(404, QStringLiteral("model '%1' not found").arg(plan.model));
        return plan;
    }
    for (const auto& layer : record->value("layers", json::array())) {
        const QString digest = GoEncoding::string(layer, "digest");
        if (GoEncoding::string(layer, "mediaType") == QLatin1String("application/vnd.ollama.image.model") &&
            !m_state.store().hasBlob(digest)) {
            // The manifest is there but the weights are not: the scheduler's os.ErrNotExist.
            plan.immediate = errorResponse(
                404, QStringLiteral("model %1 not found, try pulling it first").arg(GoEncoding::quote(plan.model)));
            return plan;
        }
    }
    const json options = request.value("options", json::object());
    if (const QString error = optionError(options); !error.isEmpty()) {
        plan.immediate = errorResponse(500, error);
        return plan;
    }

    // What the model is asked: the last user turn (chat) or the prompt, with the system prompt if any.
    QString system = generate ? GoEncoding::string(request, "system") : QString();
    QString prompt = generate ? GoEncoding::string(request, "prompt") : QString();
    const json messages = request.value("messages", json::array());
    qint64 promptWords = 0;
    for (const auto& message : messages) {
        if (!message.is_object()) {
            continue;
        }
        const QString role = GoEncoding::string(message, "role");
        const QString content = GoEncoding::string(message, "content");
        promptWords += wordCount(content);
        if (role == QLatin1String("system")) {
            system = content;
        } else if (role == QLatin1String("user")) {
            prompt = content;
        }
    }
    if (system.isEmpty()) {
        system = GoEncoding::string(*record, "system");
    }
    const bool empty = generate ? prompt.isEmpty() : messages.empty();
    const FaultSettings faults = m_state.faults();
    plan.loadDelayMs = m_state.loadModel(name.key()) ? faults.loadDelayMs : 0;
    plan.tokenDelayMs = faults.tokenDelayMs;
    if (faults.chatErrorAfterPieces == 0) {
        // Nothing streamed yet: the handler's error gets a real status.
        plan.immediate = errorResponse(500, faults.chatErrorMessage);
        return plan;
    }
    plan.errorAfterPieces = faults.chatErrorAfterPieces;
    plan.errorMessage = faults.chatErrorMessage;
    if (empty) {
        // An empty request only loads the model.
        plan.doneReason = QStringLiteral("load");
        return plan;
    }
    plan.promptEvalCount = promptWords + wordCount(system) + (generate ? wordCount(prompt) : 0) + 1;

    const qint64 numCtx = options.contains("num_ctx") ? options["num_ctx"].get<qint64>() : DefaultNumCtx;
    const qint64 numPredict = options.contains("num_predict") ? options["num_predict"].get<qint64>() : -1;
    // Unbounded (-1) is capped by the server at 10 x num_ctx.
    const qint64 limit = numPredict > 0 ? numPredict : 10 * std::max<qint64>(numCtx, 1);
    const QStringList stops = options.contains("stop")
                                  ? stringList(options["stop"])
                                  : stringList(record->value("parameters", json::object()).value("stop", json()));
    const bool runsOn = faults.runOnModels.contains(QStringLiteral("*")) || faults.runOnModels.contains(name.key());

    QString answer = QStringLiteral("Hello from %1.").arg(name.model());
    if (!system.isEmpty()) {
        answer += QStringLiteral(" (%1)").arg(system.simplified().left(80));
    }
    answer += QStringLiteral(" You said: %1").arg(prompt.simplified().left(200));
    const QStringList answerPieces = piecesOf(answer);

    qsizetype longestStop = 0;
    for (const QString& stop : stops) {
        longestStop = std::max(longestStop, stop.size());
    }
    // Text said so far; a stop string can only newly occur where the last piece is, so the search starts just
    // before it (a long reply stays linear).
    QString said;
    for (qint64 index = 0;; ++index) {
        if (!runsOn && index >= answerPieces.size()) {
            plan.doneReason = QStringLiteral("stop"); // the end-of-turn token
            return plan;
        }
        const QString piece = index < answerPieces.size()
                                  ? answerPieces[index]
                                  : RunOnPieces[(index - answerPieces.size()) % RunOnPieces.size()];
        ++plan.evalCount;
        const qsizetype before = said.size();
        said += piece;
        const qsizetype from = std::max<qsizetype>(0, before - longestStop + 1);
        qsizetype cut = -1;
        for (const QString& stop : stops) {
            const qsizetype at = stop.isEmpty() ? -1 : said.indexOf(stop, from);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            if (cut > before) {
                plan.pieces.append(said.mid(before, cut - before));
            }
            plan.doneReason = QStringLiteral("stop");
            return plan;
        }
        plan.pieces.append(piece);
        if (plan.evalCount >= limit) {
            plan.doneReason = QStringLiteral("length");
            return plan;
        }
    }
}

} // namespace deepext::fake
