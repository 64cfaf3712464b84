#include "CreatePlanner.h"

#include "GoJsonDecoder.h"
#include "ModelName.h"

#include <QDateTime>
#include <QFile>
#include <QRegularExpression>
#include <QStringList>
#include <QtEndian>

#include <cmath>

namespace deepext::fake {

using nlohmann::json;

namespace {

const char* const kZeroDigest = "0000000000000000000";

// convert/convert.go LoadModelMetadata at HEAD.
const QStringList& supportedArchitectures()
{
    static const QStringList list = {
        QStringLiteral("LlamaForCausalLM"),
        QStringLiteral("MllamaForConditionalGeneration"),
        QStringLiteral("Llama4ForConditionalGeneration"),
        QStringLiteral("Mistral3ForConditionalGeneration"),
        QStringLiteral("Ministral3ForCausalLM"),
        QStringLiteral("MixtralForCausalLM"),
        QStringLiteral("GemmaForCausalLM"),
        QStringLiteral("Gemma2ForCausalLM"),
        QStringLiteral("Gemma3ForCausalLM"),
        QStringLiteral("Gemma3ForConditionalGeneration"),
        QStringLiteral("Gemma3TextModel"),
        QStringLiteral("Gemma3nForConditionalGeneration"),
        QStringLiteral("Gemma4ForCausalLM"),
        QStringLiteral("Gemma4ForConditionalGeneration"),
        QStringLiteral("Phi3ForCausalLM"),
        QStringLiteral("Qwen2ForCausalLM"),
        QStringLiteral("Qwen2_5_VLForConditionalGeneration"),
        QStringLiteral("Qwen3VLForConditionalGeneration"),
        QStringLiteral("Qwen3VLMoeForConditionalGeneration"),
        QStringLiteral("Qwen3NextForCausalLM"),
        QStringLiteral("Qwen3_5ForConditionalGeneration"),
        QStringLiteral("Qwen3_5MoeForConditionalGeneration"),
        QStringLiteral("Olmo3ForCausalLM"),
        QStringLiteral("BertModel"),
        QStringLiteral("NomicBertModel"),
        QStringLiteral("NomicBertMoEModel"),
        QStringLiteral("CohereForCausalLM"),
        QStringLiteral("GptOssForCausalLM"),
        QStringLiteral("DeepseekOCRForCausalLM"),
        QStringLiteral("DeepseekV3ForCausalLM"),
        QStringLiteral("Glm4MoeLiteForCausalLM"),
        QStringLiteral("GlmOcrForConditionalGeneration"),
        QStringLiteral("LagunaForCausalLM"),
        QStringLiteral("Lfm2ForCausalLM"),
        QStringLiteral("Lfm2MoeForCausalLM"),
        QStringLiteral("Lfm2VlForConditionalGeneration"),
        QStringLiteral("NemotronH_Nano_VL_V2"),
        QStringLiteral("NemotronH_Nano_Omni_Reasoning_V3"),
        QStringLiteral("NemotronHForCausalLM"),
    };
    return list;
}

bool architectureSupported(const QString& arch, const OllamaVersion& version)
{
    if (arch == QLatin1String("MistralForCausalLM")) {
        return !version.atLeast(0, 6, 5);
    }
    if (arch == QLatin1String("Qwen2ForCausalLM")) {
        return version.atLeast(0, 5, 6);
    }
    return supportedArchitectures().contains(arch);
}

// fs/ggml/type.go ParseFileType: the names each era accepts, with aliases resolved.
QString normalizeQuantize(const QString& upper, bool narrow)
{
    if (narrow) {
        static const QStringList allowed = {QStringLiteral("F32"),  QStringLiteral("F16"),    QStringLiteral("BF16"),
                                            QStringLiteral("Q8_0"), QStringLiteral("Q4_K_S"), QStringLiteral("Q4_K_M")};
        if (upper == QLatin1String("Q4_K")) {
            return QStringLiteral("Q4_K_M");
        }
        return allowed.contains(upper) ? upper : QString();
    }
    static const QStringList allowed = {
        QStringLiteral("F32"),    QStringLiteral("F16"),    QStringLiteral("BF16"),    QStringLiteral("Q4_0"),
        QStringLiteral("Q4_1"),   QStringLiteral("Q5_0"),   QStringLiteral("Q5_1"),    QStringLiteral("Q8_0"),
        QStringLiteral("Q2_K"),   QStringLiteral("Q2_K_S"), QStringLiteral("Q3_K_S"),  QStringLiteral("Q3_K_M"),
        QStringLiteral("Q3_K_L"), QStringLiteral("Q4_K_S"), QStringLiteral("Q4_K_M"),  QStringLiteral("Q5_K_S"),
        QStringLiteral("Q5_K_M"), QStringLiteral("Q6_K"),   QStringLiteral("IQ2_XXS"), QStringLiteral("IQ2_XS"),
        QStringLiteral("IQ2_S"),  QStringLiteral("IQ2_M"),  QStringLiteral("IQ3_XXS"), QStringLiteral("IQ3_XS"),
        QStringLiteral("IQ3_S"),  QStringLiteral("IQ3_M"),  QStringLiteral("IQ1_S"),   QStringLiteral("IQ1_M"),
        QStringLiteral("IQ4_NL"), QStringLiteral("IQ4_XS"),
    };
    if (upper == QLatin1String("Q4_K") || upper == QLatin1String("Q5_K") || upper == QLatin1String("Q3_K")) {
        return upper + QStringLiteral("_M");
    }
    return allowed.contains(upper) ? upper : QString();
}

// format.HumanNumber
QString humanNumber(qint64 n)
{
    const double value = static_cast<double>(n);
    if (n >= 1000000000) {
        const double b = value / 1e9;
        return b == std::floor(b) ? QStringLiteral("%1B").arg(b, 0, 'f', 0) : QStringLiteral("%1B").arg(b, 0, 'f', 1);
    }
    if (n >= 1000000) {
        const double m = value / 1e6;
        return m == std::floor(m) ? QStringLiteral("%1M").arg(m, 0, 'f', 0) : QStringLiteral("%1M").arg(m, 0, 'f', 2);
    }
    if (n >= 1000) {
        return QStringLiteral("%1K").arg(value / 1e3, 0, 'f', 0);
    }
    return QString::number(n);
}

// Roughly how big the GGUF of a given type is next to its F16 form, so sizes in /api/tags look plausible.
double sizeFactor(const QString& type)
{
    if (type == QLatin1String("F32")) {
        return 2.0;
    }
    if (type.startsWith(QLatin1String("Q8"))) {
        return 0.53;
    }
    if (type.startsWith(QLatin1String("Q4")) || type.startsWith(QLatin1String("IQ4"))) {
        return 0.3;
    }
    if (type.startsWith(QLatin1String("Q")) || type.startsWith(QLatin1String("IQ"))) {
        return 0.35;
    }
    return 1.0;
}

QString str(const json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()) : QString();
}

// server/model.go detectChatTemplate, reduced to the markers of the common families.
QPair<QString, QString> detectTemplate(const QString& chatTemplate)
{
    if (chatTemplate.contains(QLatin1String("<|start_header_id|>"))) {
        return {
            QStringLiteral("llama3-instruct"),
            QStringLiteral("{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ "
                           "end }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|><|start_"
                           "header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>")};
    }
    if (chatTemplate.contains(QLatin1String("<|im_start|>"))) {
        return {QStringLiteral("chatml"),
                QStringLiteral("{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}<|im_start|>"
                               "user\n{{ .Prompt }}<|im_end|>\n<|im_start|>assistant\n{{ .Response }}<|im_end|>\n")};
    }
    if (chatTemplate.contains(QLatin1String("<start_of_turn>"))) {
        return {QStringLiteral("gemma-instruct"),
                QStringLiteral("<start_of_turn>user\n{{ if .System }}{{ .System }} {{ end }}{{ .Prompt "
                               "}}<end_of_turn>\n<start_of_turn>model\n{{ .Response }}<end_of_turn>\n")};
    }
    return {};
}

} // namespace

struct CreatePlanner::Source
{
    QString kind; // safetensors | gguf | from | zip
    QString family = QStringLiteral("llama");
    qint64 parameterCount = 0;
    QString fileType = QStringLiteral("F16");
    qint64 modelSize = 0;
    json modelLayer;          // from creates: the base model layer, reused
    json baseRecord;          // from creates: template, system, parameters, ... to inherit
    QString modelFingerprint; // what the new model layer is built from
    QString detectedTemplate; // name
    QString detectedTemplateText;
};

CreatePlanner::CreatePlanner(ServerState& state, const OllamaVersion& version, const FaultSettings& faults)
    : m_store(state.store())
    , m_version(version)
    , m_faults(faults)
{
}

bool CreatePlanner::isValidPath(const QString& path)
{
    if (path == QLatin1String(".")) {
        return true;
    }
    const QStringList parts = path.split(u'/');
    for (const QString& part : parts) {
        if (part.isEmpty() || part == QLatin1String(".") || part == QLatin1String("..")) {
            return false;
        }
    }
    return true;
}

QString CreatePlanner::templateError(const QString& text)
{
    struct Open
    {
        QString keyword;
        int line;
    };
    QList<Open> stack;
    qsizetype pos = 0;
    const auto lineAt = [&](qsizetype at) { return static_cast<int>(text.left(at).count(u'\n')) + 1; };
    while (true) {
        const qsizetype open = text.indexOf(QLatin1String("{{"), pos);
        if (open < 0) {
            break;
        }
        const qsizetype close = text.indexOf(QLatin1String("}}"), open + 2);
        if (close < 0) {
            return QStringLiteral("template: :%1: unclosed action").arg(lineAt(open));
        }
        QString action = text.mid(open + 2, close - open - 2);
        if (action.startsWith(u'-')) {
            action.remove(0, 1);
        }
        if (action.endsWith(u'-')) {
            action.chop(1);
        }
        action = action.trimmed();
        const QString keyword = action.section(u' ', 0, 0);
        if (action.startsWith(QLatin1String("/*"))) {
            // comment
        } else if (action.isEmpty()) {
            return QStringLiteral("template: :%1: missing value for command").arg(lineAt(open));
        } else if (keyword == QLatin1String("if") || keyword == QLatin1String("range") ||
                   keyword == QLatin1String("with") || keyword == QLatin1String("define") ||
                   keyword == QLatin1String("block")) {
            stack.append({keyword, lineAt(open)});
        } else if (keyword == QLatin1String("end")) {
            if (stack.isEmpty()) {
                return QStringLiteral("template: :%1: unexpected {{end}}").arg(lineAt(open));
            }
            stack.removeLast();
        } else if (keyword == QLatin1String("else") && stack.isEmpty()) {
            return QStringLiteral("template: :%1: unexpected {{else}}").arg(lineAt(open));
        }
        pos = close + 2;
    }
    if (!stack.isEmpty()) {
        return QStringLiteral("template: :%1: unexpected EOF").arg(lineAt(text.size()));
    }
    return {};
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
            if (!isValidPath(QString::fromStdString(file))) {
                return preFail(QStringLiteral("file path must be relative"));
            }
            if (!digest.is_string() || digest.get<std::string>().empty()) {
                return preFail(QStringLiteral("invalid digest format"));
            }
        }
    }
    if (!str(r, "draft_quantize").isEmpty() && r.value("draft_files", json::object()).empty()) {
        return preFail(QStringLiteral("--draft-quantize requires a DRAFT model"));
    }
    const json adapterMap = r.value("adapters", json::object());
    for (const auto& [file, digest] : adapterMap.items()) {
        if (!digest.is_string() || digest.get<std::string>().empty()) {
            return preFail(QStringLiteral("invalid digest format"));
        }
    }
    const QString rawName = !str(r, "model").isEmpty() ? str(r, "model") : str(r, "name");
    ModelName name = ModelName::parse(rawName);
    if (!name.isValid()) {
        return preFail(QStringLiteral("invalid model name"));
    }
    if (const std::optional<ModelName> existing = m_store.existingName(name)) {
        name = *existing;
    }

    json request = r;
    request["model"] = name.fullName().toStdString();
    Source source;
    if (!str(r, "from").isEmpty()) {
        const ModelName from = ModelName::parse(str(r, "from"));
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
        source.family = str(details, "family");
        source.fileType = str(details, "quantization_level");
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
                // §4.4: a missing blob makes detection give up at once.
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
            if (!planSafetensors(plan, files, source)) {
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

bool CreatePlanner::planSafetensors(CreatePlan& plan, const json& files, Source& source)
{
    status(plan, QStringLiteral("converting model"));
    const auto blobOf = [&](const char* file) { return QString::fromStdString(files.value(file, std::string())); };
    if (!files.contains("config.json")) {
        error(plan, 500, QStringLiteral("open config.json: no such file or directory"));
        return false;
    }
    QFile configFile(m_store.blobPath(blobOf("config.json")));
    QByteArray configText;
    if (configFile.open(QIODevice::ReadOnly)) {
        configText = configFile.read(64 << 20);
    }
    // The converter replaces non-finite numbers before parsing (ollama#13707).
    static const QRegularExpression nonFinite(QStringLiteral("(?<![\\w\"])-?(Infinity|NaN)(?![\\w\"])"));
    configText = QString::fromUtf8(configText).replace(nonFinite, QStringLiteral("null")).toUtf8();
    QString scanError;
    if (GoJsonDecoder::scanValue(configText, scanError) < 0) {
        error(plan, 500,
              QStringLiteral("parse config.json: %1")
                  .arg(scanError.isEmpty() ? QStringLiteral("unexpected end of JSON input") : scanError));
        return false;
    }
    json config;
    try {
        config = json::parse(configText.toStdString(), nullptr, true);
    } catch (const json::exception& e) {
        error(plan, 500, QStringLiteral("parse config.json: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    const json architectures = config.is_object() ? config.value("architectures", json::array()) : json::array();
    if (!architectures.is_array() || architectures.empty() || !architectures[0].is_string()) {
        error(plan, 500, QStringLiteral("unknown architecture"));
        return false;
    }
    const QString arch = QString::fromStdString(architectures[0].get<std::string>());
    if (!architectureSupported(arch, m_version)) {
        error(plan, 500,
              m_version.namedUnsupportedArchitecture() ? QStringLiteral("unsupported architecture \"%1\"").arg(arch)
                                                       : QStringLiteral("unsupported architecture"));
        return false;
    }
    source.family = str(config, "model_type");
    if (source.family.isEmpty()) {
        source.family = arch.section(QLatin1String("For"), 0, 0).toLower();
    }
    if (!files.contains("tokenizer.model") && !files.contains("tokenizer.json")) {
        error(plan, 500, QStringLiteral("unknown tokenizer format"));
        return false;
    }
    bool anyTensors = false;
    for (const auto& [file, digest] : files.items()) {
        const QString key = QString::fromStdString(file);
        const QString blob = QString::fromStdString(digest.get<std::string>());
        source.modelFingerprint += key + u'=' + blob + u';';
        if (!key.endsWith(QLatin1String(".safetensors")) || key.contains(u'/')) {
            continue;
        }
        anyTensors = true;
        source.modelSize += m_store.blobSize(blob);
        const QByteArray lengthBytes = m_store.readBlobHead(blob, 8);
        if (lengthBytes.size() != 8) {
            continue;
        }
        const quint64 headerLength = qFromLittleEndian<quint64>(lengthBytes.constData());
        if (headerLength == 0 || headerLength > (100u << 20)) {
            continue;
        }
        const QByteArray header = m_store.readBlobHead(blob, 8 + static_cast<qint64>(headerLength)).mid(8);
        json tensors;
        try {
            tensors = json::parse(header.toStdString());
        } catch (const json::exception&) {
            continue;
        }
        if (!tensors.is_object()) {
            continue;
        }
        for (const auto& [tensorName, tensor] : tensors.items()) {
            if (tensorName == "__metadata__" || !tensor.is_object()) {
                continue;
            }
            const QString dtype = str(tensor, "dtype");
            if (dtype != QLatin1String("F32") && dtype != QLatin1String("F16") && dtype != QLatin1String("BF16") &&
                dtype != QLatin1String("F8_E4M3")) {
                error(plan, 500, QStringLiteral("unknown data type: %1").arg(dtype));
                return false;
            }
            qint64 count = 1;
            for (const auto& dim : tensor.value("shape", json::array())) {
                count *= dim.is_number_integer() ? dim.get<qint64>() : 1;
            }
            source.parameterCount += count;
        }
    }
    if (!anyTensors) {
        error(plan, 500, QStringLiteral("unknown tensor format"));
        return false;
    }
    if (files.contains("tokenizer_config.json")) {
        QFile tokenizerConfig(m_store.blobPath(blobOf("tokenizer_config.json")));
        if (tokenizerConfig.open(QIODevice::ReadOnly)) {
            try {
                const json tc = json::parse(tokenizerConfig.read(64 << 20).toStdString());
                const auto detected = detectTemplate(str(tc, "chat_template"));
                source.detectedTemplate = detected.first;
                source.detectedTemplateText = detected.second;
            } catch (const json::exception&) {
                // not a template source then
            }
        }
    }
    return true;
}

void CreatePlanner::planModel(CreatePlan& plan, const json& request, Source& source)
{
    const OllamaVersion& v = m_version;
    QString quantize =
        (!str(request, "quantize").isEmpty() ? str(request, "quantize") : str(request, "quantization")).toUpper();
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
        const QString target = normalizeQuantize(quantize, v.narrowQuantizeSet());
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
            source.modelSize = static_cast<qint64>(static_cast<double>(source.modelSize) * sizeFactor(target) /
                                                   sizeFactor(source.fileType));
            source.fileType = target;
            source.modelFingerprint += QStringLiteral("|quantize=") + target;
        }
    } else if (converted && v.validatesGguf()) {
        progress(QStringLiteral("validating GGUF model"), total);
    }
    if (converted && v.verifiesConversion()) {
        status(plan, QStringLiteral("verifying conversion"));
    }
    const QString templateText = str(request, "template");
    if (!templateText.isEmpty()) {
        const QString problem = templateError(templateText);
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
        effectiveTemplate = str(base, "template");
    }
    json parameters = base.value("parameters", json::object());
    const json requested = request.value("parameters", json::object());
    for (const auto& [key, value] : requested.items()) {
        parameters[key] = value;
    }
    const QString system = !str(request, "system").isEmpty() ? str(request, "system") : str(base, "system");
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
        {"parent_model", source.kind == QLatin1String("from") ? str(request, "from").toStdString() : std::string()},
        {"format", "gguf"},
        {"family", source.family.toStdString()},
        {"families", json::array({source.family.toStdString()})},
        {"parameter_size", humanNumber(source.parameterCount).toStdString()},
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
    const ModelName name = ModelName::parse(!str(r, "model").isEmpty() ? str(r, "model") : str(r, "name"));
    const auto preFail = [&](const QString& message) {
        plan.preStatus = 400;
        plan.preError = message;
        return plan;
    };
    if (!name.isValid()) {
        return preFail(QStringLiteral("invalid model name"));
    }
    QString modelfile = str(r, "modelfile");
    if (modelfile.isEmpty() && str(r, "path").isEmpty()) {
        return preFail(QStringLiteral("path or Modelfile are required"));
    }
    if (modelfile.isEmpty()) {
        QFile file(str(r, "path"));
        if (!file.open(QIODevice::ReadOnly)) {
            return preFail(QStringLiteral("open %1: no such file or directory").arg(str(r, "path")));
        }
        modelfile = QString::fromUtf8(file.readAll());
    }
    // parser.ParseFile of v0.5.4, reduced: instructions, quoted and triple-quoted values.
    json request = json::object();
    QString from;
    const QStringList lines = modelfile.split(u'\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString text = lines[i].trimmed();
        if (text.isEmpty() || text.startsWith(u'#')) {
            continue;
        }
        const QString instruction = text.section(u' ', 0, 0).toLower();
        QString value = text.mid(instruction.size()).trimmed();
        for (const QString& quote : {QStringLiteral("\"\"\""), QStringLiteral("\"")}) {
            if (value.startsWith(quote)) {
                QString collected = value.mid(quote.size());
                while (!collected.endsWith(quote) && i + 1 < lines.size()) {
                    collected += u'\n' + lines[++i];
                }
                if (!collected.endsWith(quote)) {
                    return preFail(QStringLiteral("unexpected EOF"));
                }
                value = collected.chopped(quote.size());
                break;
            }
        }
        const std::string v = value.toStdString();
        if (instruction == QLatin1String("from")) {
            from = value;
        } else if (instruction == QLatin1String("template") || instruction == QLatin1String("system")) {
            request[instruction.toStdString()] = v;
        } else if (instruction == QLatin1String("license")) {
            request["license"].push_back(v);
        } else if (instruction == QLatin1String("parameter")) {
            const std::string key = value.section(u' ', 0, 0).toStdString();
            const QString raw = value.section(u' ', 1).trimmed();
            bool isNumber = false;
            const double number = raw.toDouble(&isNumber);
            if (key == "stop") {
                request["parameters"]["stop"].push_back(raw.toStdString());
            } else if (isNumber) {
                request["parameters"][key] = number;
            } else {
                request["parameters"][key] = raw.toStdString();
            }
        } else if (instruction == QLatin1String("message")) {
            request["messages"].push_back(json{{"role", value.section(u' ', 0, 0).toStdString()},
                                               {"content", value.section(u' ', 1).toStdString()}});
        } else if (instruction != QLatin1String("adapter")) {
            return preFail(QStringLiteral("(line %1): command must be one of \"from\", \"license\", \"template\", "
                                          "\"system\", \"adapter\", \"parameter\", or \"message\"")
                               .arg(i + 1));
        }
    }
    if (from.isEmpty()) {
        return preFail(QStringLiteral("no FROM line"));
    }
    request["model"] = name.fullName().toStdString();
    if (r.contains("quantize") || r.contains("quantization")) {
        request["quantize"] = r.contains("quantize") ? r["quantize"] : r["quantization"];
    }
    request["modelfile"] = modelfile.toStdString();
    Source source;
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
        source.fileType = str(record->value("details", json::object()), "quantization_level");
        source.family = str(record->value("details", json::object()), "family");
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
