#include "CreatePlanner.h"

#include "GgufImport.h"
#include "GoEncoding.h"
#include "GoJsonDecoder.h"
#include "LegacyModelfile.h"
#include "ModelName.h"
#include "OllamaRules.h"
#include "SafetensorsImport.h"

#include <QDateTime>
#include <QFile>
#include <QStringList>

namespace deepext::fake {

using nlohmann::json;

namespace {

const char* const kZeroDigest = "0000000000000000000";

} // namespace

CreatePlanner::CreatePlanner(ServerState& state, const OllamaVersion& version, const FaultSettings& faults)
    : m_store(state.store())
    , m_version(version)
    , m_faults(faults)
{
}

void CreatePlanner::line(CreatePlan& plan, const json& object) const
{
    CreateStep step;
    step.kind = CreateStep::Kind::Line;
    step.line = object;
    plan.steps.push_back(std::move(step));
}

void CreatePlanner::status(CreatePlan& plan, const QString& text) const
{
    line(plan, json{{"status", text.toStdString()}});
}

void CreatePlanner::error(CreatePlan& plan, int code, const QString& message) const
{
    CreateStep step;
    step.kind = CreateStep::Kind::Error;
    step.status = code;
    step.error = message;
    plan.steps.push_back(std::move(step));
}

CreatePlan CreatePlanner::plan(const QByteArray& body)
{
    CreatePlan result = m_version.legacyCreate() ? planLegacy(body) : planCurrent(body);
    if (result.preStatus == 0) {
        applyFaults(result);
    }
    return result;
}

CreatePlan CreatePlanner::planCurrent(const QByteArray& body)
{
    using T = GoJsonDecoder::Type;
    static const std::vector<GoJsonDecoder::Field> fields = {
        {"model", T::String},          {"name", T::String},           {"stream", T::Bool},
        {"quantize", T::String},       {"quantization", T::String},   {"from", T::String},
        {"files", T::StringMap},       {"adapters", T::StringMap},    {"template", T::String},
        {"license", T::Any},           {"system", T::String},         {"parameters", T::AnyMap},
        {"messages", T::Messages},     {"renderer", T::String},       {"parser", T::String},
        {"requires", T::String},       {"info", T::AnyMap},           {"remote_host", T::String},
        {"draft_files", T::StringMap}, {"draft_quantize", T::String},
    };
    CreatePlan plan;
    const GoJsonDecoder::Result decoded = GoJsonDecoder::decode(body, "CreateRequest", fields);
    if (decoded.empty) {
        plan.preStatus = 400;
        plan.preError = QStringLiteral("missing request body");
        return plan;
    }
    if (!decoded.error.isEmpty()) {
        plan.preStatus = 400;
        plan.preError = decoded.error;
        return plan;
    }
    const json& r = decoded.value;
    plan.stream = r.value("stream", true);
    const auto preFail = [&](const QString& message) {
        plan.preStatus = 400;
        plan.preError = message;
        return plan;
    };
    for (const char* key : {"files", "draft_files"}) {
        const json map = r.value(key, json::object());
        for (const auto& [file, digest] : map.items()) {
            if (!OllamaRules::isValidPath(QString::fromStdString(file))) {
                return preFail(QStringLiteral("file path must be relative"));
            }
            if (!digest.is_string() || digest.get<std::string>().empty()) {
                return preFail(QStringLiteral("invalid digest format"));
            }
        }
    }
    if (!GoEncoding::string(r, "draft_quantize").isEmpty() && r.value("draft_files", json::object()).empty()) {
        return preFail(QStringLiteral("--draft-quantize requires a DRAFT model"));
    }
    const json adapterMap = r.value("adapters", json::object());
    for (const auto& [file, digest] : adapterMap.items()) {
        if (!digest.is_string() || digest.get<std::string>().empty()) {
            return preFail(QStringLiteral("invalid digest format"));
        }
    }
    const QString rawName =
        !GoEncoding::string(r, "model").isEmpty() ? GoEncoding::string(r, "model") : GoEncoding::string(r, "name");
    ModelName name = ModelName::parse(rawName);
    if (!name.isValid()) {
        return preFail(QStringLiteral("invalid model name"));
    }
    if (const std::optional<ModelName> existing = m_store.existingName(name)) {
        name = *existing;
    }

    json request = r;
    request["model"] = name.fullName().toStdString();
    CreateSource source;
    if (!GoEncoding::string(r, "from").isEmpty()) {
        const ModelName from = ModelName::parse(GoEncoding::string(r, "from"));
        if (!from.isValid()) {
            error(plan, 400, QStringLiteral("invalid model name"));
            return plan;
        }
        const std::optional<json> base = m_store.record(from);
        if (!base) {
            // The real server tries to pull a model it does not have.
            status(plan, QStringLiteral("pulling manifest"));
            error(plan, 500, QStringLiteral("pull model manifest: file does not exist"));
            return plan;
        }
        source.kind = QStringLiteral("from");
        source.baseRecord = *base;
        for (const auto& layer : base->value("layers", json::array())) {
            if (layer.value("mediaType", std::string()) == "application/vnd.ollama.image.model") {
                source.modelLayer = layer;
            }
        }
        const json details = base->value("details", json::object());
        source.family = GoEncoding::string(details, "family");
        source.fileType = GoEncoding::string(details, "quantization_level");
        source.parameterCount = base->value("parameter_count", qint64{0});
        source.modelSize = source.modelLayer.value("size", qint64{0});
        source.modelFingerprint = QString::fromStdString(source.modelLayer.value("digest", std::string()));
    } else if (r.contains("files")) {
        const json& files = r["files"];
        bool safetensors = false;
        bool gguf = false;
        for (const auto& [file, digest] : files.items()) {
            const QString key = QString::fromStdString(file);
            if (!m_store.hasBlob(QString::fromStdString(digest.get<std::string>()))) {
                // detectModelTypeFromFiles: a missing blob makes detection give up at once.
                error(plan, 400, QStringLiteral("unknown type"));
                return plan;
            }
            safetensors = safetensors || key.endsWith(QLatin1String(".safetensors"));
            gguf = gguf || key.endsWith(QLatin1String(".gguf"));
            if (!key.endsWith(QLatin1String(".safetensors")) &&
                m_store.readBlobHead(QString::fromStdString(digest.get<std::string>()), 4) == "GGUF") {
                gguf = true;
            }
        }
        if (safetensors) {
            source.kind = QStringLiteral("safetensors");
            status(plan, QStringLiteral("converting model"));
            if (const QString problem = SafetensorsImport::inspect(m_store, m_version, files, source);
                !problem.isEmpty()) {
                error(plan, 500, problem);
                return plan;
            }
        } else if (gguf) {
            source.kind = QStringLiteral("gguf");
            status(plan, QStringLiteral("parsing GGUF"));
            for (const auto& [file, digest] : files.items()) {
                const QString d = QString::fromStdString(digest.get<std::string>());
                if (m_store.readBlobHead(d, 4) != "GGUF") {
                    error(plan, 400, QStringLiteral("supplied file was not in GGUF format"));
                    return plan;
                }
                // The real server decodes the whole header (fs/ggml Decode): file type and architecture come from
                // it, and a damaged file fails here, inline after "parsing GGUF".
                if (const QString problem = GgufImport::inspect(m_store.blobPath(d), source); !problem.isEmpty()) {
                    error(plan, 500, problem);
                    return plan;
                }
                source.modelSize += m_store.blobSize(d);
                source.modelFingerprint += d;
            }
        } else {
            error(plan, 400, QStringLiteral("unknown type"));
            return plan;
        }
    } else {
        error(plan, 400, QStringLiteral("neither 'from' or 'files' was specified"));
        return plan;
    }
    if (!r.value("adapters", json::object()).empty()) {
        const json adapters = r["adapters"];
        if (!adapters.contains("adapter_config.json") && adapters.size() > 1) {
            error(plan, 400, QStringLiteral("only one adapter is currently supported"));
            return plan;
        }
        status(plan, QStringLiteral("converting adapter"));
        if (source.family != QLatin1String("llama") && source.family != QLatin1String("gemma2")) {
            error(plan, 400, QStringLiteral("unsupported architecture"));
            return plan;
        }
    }
    planModel(plan, request, source);
    return plan;
}

void CreatePlanner::planModel(CreatePlan& plan, const json& request, CreateSource& source)
{
    const OllamaVersion& v = m_version;
    QString quantize =
        (!GoEncoding::string(request, "quantize").isEmpty() ? GoEncoding::string(request, "quantize")
                                                            : GoEncoding::string(request, "quantization"))
            .toUpper();
    const bool converted = source.kind == QLatin1String("safetensors") || source.kind == QLatin1String("zip");
    const auto progress = [&](const QString& text, qint64 total) {
        for (int i = 1; i <= 3; ++i) {
            line(plan, json{{"status", text.toStdString()},
                            {"digest", kZeroDigest},
                            {"total", total},
                            {"completed", total * i / 3}});
        }
    };
    const qint64 total = std::max<qint64>(source.modelSize, 1);
    if (!quantize.isEmpty()) {
        const QString target = OllamaRules::normalizeQuantize(quantize, v.narrowQuantizeSet());
        if (target.isEmpty()) {
            error(plan, 500,
                  v.narrowQuantizeSet()
                      ? QStringLiteral("unsupported quantization type %1 - supported types are F32, F16, Q4_K_S, "
                                       "Q4_K_M, Q8_0")
                            .arg(quantize)
                      : QStringLiteral("unknown fileType: %1").arg(quantize));
            return;
        }
        const QStringList floatTypes = {QStringLiteral("F16"), QStringLiteral("BF16"), QStringLiteral("F32")};
        if (!floatTypes.contains(source.fileType)) {
            error(plan, 500,
                  v.bf16SourceMessage() ? QStringLiteral("quantization is only supported for F16, BF16 and F32 models")
                                        : QStringLiteral("quantization is only supported for F16 and F32 models"));
            return;
        }
        if (target != source.fileType) {
            const QString text = QStringLiteral("quantizing %1 model to %2").arg(source.fileType, target);
            if (v.verifiesConversion()) {
                progress(text, total);
            } else {
                status(plan, text);
            }
            source.modelSize =
                static_cast<qint64>(static_cast<double>(source.modelSize) * OllamaRules::sizeFactor(target) /
                                    OllamaRules::sizeFactor(source.fileType));
            source.fileType = target;
            source.modelFingerprint += QStringLiteral("|quantize=") + target;
        }
    } else if (converted && v.validatesGguf()) {
        progress(QStringLiteral("validating GGUF model"), total);
    }
    if (converted && v.verifiesConversion()) {
        status(plan, QStringLiteral("verifying conversion"));
    }
    const QString templateText = GoEncoding::string(request, "template");
    if (!templateText.isEmpty()) {
        const QString problem = OllamaRules::templateError(templateText);
        if (!problem.isEmpty()) {
            error(plan, 400, QStringLiteral("template error: %1").arg(problem));
            return;
        }
    }

    // Layers, in the order the real server reports them.
    json layers = json::array();
    const auto addLayer = [&](const char* mediaType, const QByteArray& content, qint64 declaredSize) {
        bool existed = false;
        const QString digest = m_store.writeBlob(content, &existed);
        status(plan, QStringLiteral("%1 layer %2")
                         .arg(existed ? QStringLiteral("using existing") : QStringLiteral("creating new"), digest));
        layers.push_back(json{{"mediaType", mediaType},
                              {"digest", digest.toStdString()},
                              {"size", declaredSize >= 0 ? declaredSize : content.size()}});
    };
    if (source.kind == QLatin1String("from") && !source.modelFingerprint.contains(u'|')) {
        status(plan, QStringLiteral("using existing layer %1")
                         .arg(QString::fromStdString(source.modelLayer.value("digest", std::string()))));
        layers.push_back(source.modelLayer);
    } else {
        // A small stand-in for the GGUF: unique per source and type, with the declared size of the real thing.
        QByteArray gguf("GGUF\x03\x00\x00\x00", 8);
        gguf += source.modelFingerprint.toUtf8();
        addLayer("application/vnd.ollama.image.model", gguf, source.modelSize);
    }
    const json base = source.baseRecord.is_object() ? source.baseRecord : json::object();
    QString effectiveTemplate = templateText;
    if (effectiveTemplate.isEmpty() && !source.detectedTemplate.isEmpty()) {
        status(plan, QStringLiteral("using autodetected template %1").arg(source.detectedTemplate));
        effectiveTemplate = source.detectedTemplateText;
    }
    if (effectiveTemplate.isEmpty()) {
        effectiveTemplate = GoEncoding::string(base, "template");
    }
    json parameters = base.value("parameters", json::object());
    const json requested = request.value("parameters", json::object());
    for (const auto& [key, value] : requested.items()) {
        parameters[key] = value;
    }
    const QString system = !GoEncoding::string(request, "system").isEmpty() ? GoEncoding::string(request, "system")
                                                                            : GoEncoding::string(base, "system");
    json license = json::array();
    if (request.contains("license")) {
        const json& l = request["license"];
        if (l.is_string()) {
            license.push_back(l);
        } else if (l.is_array()) {
            for (const auto& item : l) {
                if (item.is_string()) {
                    license.push_back(item);
                }
            }
        }
    } else {
        license = base.value("license", json::array());
    }
    const json messages = request.contains("messages") ? request["messages"] : base.value("messages", json::array());
    if (!parameters.empty()) {
        addLayer("application/vnd.ollama.image.params", QByteArray::fromStdString(parameters.dump()), -1);
    }
    if (!effectiveTemplate.isEmpty()) {
        addLayer("application/vnd.ollama.image.template", effectiveTemplate.toUtf8(), -1);
    }
    if (!system.isEmpty()) {
        addLayer("application/vnd.ollama.image.system", system.toUtf8(), -1);
    }
    for (const auto& item : license) {
        addLayer("application/vnd.ollama.image.license", QByteArray::fromStdString(item.get<std::string>()), -1);
    }
    if (!messages.empty()) {
        addLayer("application/vnd.ollama.image.messages", QByteArray::fromStdString(messages.dump()), -1);
    }
    status(plan, QStringLiteral("writing manifest"));

    const ModelName name = ModelName::parse(QString::fromStdString(request.value("model", std::string())));
    json details = {
        {"parent_model",
         source.kind == QLatin1String("from") ? GoEncoding::string(request, "from").toStdString() : std::string()},
        {"format", "gguf"},
        {"family", source.family.toStdString()},
        {"families", json::array({source.family.toStdString()})},
        {"parameter_size", OllamaRules::humanNumber(source.parameterCount).toStdString()},
        {"quantization_level", source.fileType.toStdString()},
    };
    json record = {
        {"layers", layers},
        {"details", details},
        {"template", effectiveTemplate.toStdString()},
        {"system", system.toStdString()},
        {"parameters", parameters},
        {"license", license},
        {"messages", messages},
        {"parameter_count", source.parameterCount},
        {"capabilities", json::array({"completion"})},
        {"request", request},
    };
    CreateStep commit;
    commit.kind = CreateStep::Kind::Commit;
    ModelStore* store = &m_store;
    commit.commit = [store, name, record]() mutable {
        QStringList oldLayers;
        if (const std::optional<json> old = store->record(name)) {
            for (const auto& layer : old->value("layers", json::array())) {
                oldLayers.append(QString::fromStdString(layer.value("digest", std::string())));
            }
        }
        const QDateTime now = QDateTime::currentDateTime();
        record["modified_at"] = now.toOffsetFromUtc(now.offsetFromUtc()).toString(Qt::ISODateWithMs).toStdString();
        record["modified_ms"] = now.toMSecsSinceEpoch();
        store->writeRecord(name, record);
        store->removeUnusedLayers(oldLayers);
    };
    plan.steps.push_back(std::move(commit));
    status(plan, QStringLiteral("success"));
}

CreatePlan CreatePlanner::planLegacy(const QByteArray& body)
{
    using T = GoJsonDecoder::Type;
    static const std::vector<GoJsonDecoder::Field> fields = {
        {"model", T::String},     {"name", T::String},     {"stream", T::Bool},         {"path", T::String},
        {"modelfile", T::String}, {"quantize", T::String}, {"quantization", T::String},
    };
    CreatePlan plan;
    const GoJsonDecoder::Result decoded = GoJsonDecoder::decode(body, "CreateRequest", fields);
    if (decoded.empty || !decoded.error.isEmpty()) {
        plan.preStatus = 400;
        plan.preError = decoded.empty ? QStringLiteral("missing request body") : decoded.error;
        return plan;
    }
    const json& r = decoded.value;
    plan.stream = r.value("stream", true);
    const ModelName name = ModelName::parse(!GoEncoding::string(r, "model").isEmpty() ? GoEncoding::string(r, "model")
                                                                                      : GoEncoding::string(r, "name"));
    const auto preFail = [&](const QString& message) {
        plan.preStatus = 400;
        plan.preError = message;
        return plan;
    };
    if (!name.isValid()) {
        return preFail(QStringLiteral("invalid model name"));
    }
    QString modelfile = GoEncoding::string(r, "modelfile");
    if (modelfile.isEmpty() && GoEncoding::string(r, "path").isEmpty()) {
        return preFail(QStringLiteral("path or Modelfile are required"));
    }
    if (modelfile.isEmpty()) {
        QFile file(GoEncoding::string(r, "path"));
        if (!file.open(QIODevice::ReadOnly)) {
            return preFail(QStringLiteral("open %1: no such file or directory").arg(GoEncoding::string(r, "path")));
        }
        modelfile = QString::fromUtf8(file.readAll());
    }
    const LegacyModelfile parsed = LegacyModelfile::parse(modelfile);
    if (!parsed.error.isEmpty()) {
        return preFail(parsed.error);
    }
    json request = parsed.request;
    const QString& from = parsed.from;
    if (from.isEmpty()) {
        return preFail(QStringLiteral("no FROM line"));
    }
    request["model"] = name.fullName().toStdString();
    if (r.contains("quantize") || r.contains("quantization")) {
        request["quantize"] = r.contains("quantize") ? r["quantize"] : r["quantization"];
    }
    request["modelfile"] = modelfile.toStdString();
    CreateSource source;
    if (from.startsWith(QLatin1String("@sha256:"))) {
        const QString digest = from.mid(1);
        const QByteArray magic = m_store.readBlobHead(digest, 4);
        if (!m_store.hasBlob(digest)) {
            error(plan, 400, QStringLiteral("invalid model reference: %1").arg(from));
            return plan;
        }
        if (magic == QByteArray("PK\x03\x04", 4)) {
            source.kind = QStringLiteral("zip");
            status(plan, QStringLiteral("converting model"));
        } else if (magic == "GGUF") {
            source.kind = QStringLiteral("gguf");
        } else {
            error(plan, 400, QStringLiteral("unsupported content type: application/octet-stream"));
            return plan;
        }
        source.modelSize = m_store.blobSize(digest);
        source.modelFingerprint = digest;
    } else {
        const ModelName base = ModelName::parse(from);
        const std::optional<json> record = base.isValid() ? m_store.record(base) : std::nullopt;
        if (!record) {
            error(plan, 400, QStringLiteral("invalid model reference: %1").arg(from));
            return plan;
        }
        source.kind = QStringLiteral("from");
        source.baseRecord = *record;
        for (const auto& layer : record->value("layers", json::array())) {
            if (layer.value("mediaType", std::string()) == "application/vnd.ollama.image.model") {
                source.modelLayer = layer;
            }
        }
        source.fileType = GoEncoding::string(record->value("details", json::object()), "quantization_level");
        source.family = GoEncoding::string(record->value("details", json::object()), "family");
        source.modelSize = source.modelLayer.value("size", qint64{0});
        source.modelFingerprint = QString::fromStdString(source.modelLayer.value("digest", std::string()));
        request["from"] = from.toStdString();
    }
    planModel(plan, request, source);
    return plan;
}

void CreatePlanner::applyFaults(CreatePlan& plan) const
{
    const auto positionAfterLines = [&](int count) -> std::size_t {
        int lines = 0;
        for (std::size_t i = 0; i < plan.steps.size(); ++i) {
            if (lines == count) {
                return i;
            }
            if (plan.steps[i].kind == CreateStep::Kind::Line) {
                ++lines;
            }
        }
        return lines == count ? plan.steps.size() : std::string::npos;
    };
    const auto cutAndAppend = [&](int count, CreateStep step) {
        std::size_t at = positionAfterLines(count);
        if (at == std::string::npos) {
            return; // the script ends (in an error) before that many lines
        }
        // Never end on an uncommitted "success": an injected error replaces the rest of the script.
        plan.steps.resize(at);
        plan.steps.push_back(std::move(step));
    };
    if (m_faults.createErrorAfterLines >= 0) {
        CreateStep step;
        step.kind = CreateStep::Kind::Error;
        step.status = m_faults.createErrorStatus;
        step.error = m_faults.createErrorMessage;
        cutAndAppend(m_faults.createErrorAfterLines, std::move(step));
    }
    if (m_faults.truncateCreateAfterLines >= 0) {
        CreateStep step;
        step.kind = CreateStep::Kind::Truncate;
        cutAndAppend(m_faults.truncateCreateAfterLines, std::move(step));
    }
    if (m_faults.holdCreate && !plan.steps.empty() && plan.steps.front().kind == CreateStep::Kind::Line) {
        CreateStep step;
        step.kind = CreateStep::Kind::Hold;
        plan.steps.insert(plan.steps.begin() + 1, std::move(step));
    }
}

} // namespace deepext::fake
