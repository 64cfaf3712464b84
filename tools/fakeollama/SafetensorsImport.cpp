#include "SafetensorsImport.h"

#include "GoEncoding.h"
#include "GoJsonDecoder.h"
#include "OllamaRules.h"

#include <QFile>
#include <QRegularExpression>
#include <QtEndian>

namespace deepext::fake {

using nlohmann::json;

QString SafetensorsImport::inspect(const ModelStore& store, const OllamaVersion& version, const json& files,
                                   CreateSource& source)
{
    const auto blobOf = [&](const char* file) { return QString::fromStdString(files.value(file, std::string())); };
    if (!files.contains("config.json")) {
        return QStringLiteral("open config.json: no such file or directory");
    }
    QFile configFile(store.blobPath(blobOf("config.json")));
    QByteArray configText;
    if (configFile.open(QIODevice::ReadOnly)) {
        configText = configFile.read(64 << 20);
    }
    // The converter replaces non-finite numbers before parsing (ollama#13707).
    static const QRegularExpression nonFinite(QStringLiteral("(?<![\\w\"])-?(Infinity|NaN)(?![\\w\"])"));
    configText = QString::fromUtf8(configText).replace(nonFinite, QStringLiteral("null")).toUtf8();
    QString scanError;
    if (GoJsonDecoder::scanValue(configText, scanError) < 0) {
        return QStringLiteral("parse config.json: %1")
            .arg(scanError.isEmpty() ? QStringLiteral("unexpected end of JSON input") : scanError);
    }
    json config;
    try {
        config = json::parse(configText.toStdString(), nullptr, true);
    } catch (const json::exception& e) {
        return QStringLiteral("parse config.json: %1").arg(QString::fromUtf8(e.what()));
    }
    const json architectures = config.is_object() ? config.value("architectures", json::array()) : json::array();
    if (!architectures.is_array() || architectures.empty() || !architectures[0].is_string()) {
        return QStringLiteral("unknown architecture");
    }
    const QString arch = QString::fromStdString(architectures[0].get<std::string>());
    if (!OllamaRules::architectureSupported(arch, version)) {
        return version.namedUnsupportedArchitecture() ? QStringLiteral("unsupported architecture \"%1\"").arg(arch)
                                                      : QStringLiteral("unsupported architecture");
    }
    source.family = GoEncoding::string(config, "model_type");
    if (source.family.isEmpty()) {
        source.family = arch.section(QLatin1String("For"), 0, 0).toLower();
    }
    if (!files.contains("tokenizer.model") && !files.contains("tokenizer.json")) {
        return QStringLiteral("unknown tokenizer format");
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
        source.modelSize += store.blobSize(blob);
        const QByteArray lengthBytes = store.readBlobHead(blob, 8);
        if (lengthBytes.size() != 8) {
            continue;
        }
        const quint64 headerLength = qFromLittleEndian<quint64>(lengthBytes.constData());
        if (headerLength == 0 || headerLength > (100u << 20)) {
            continue;
        }
        const QByteArray header = store.readBlobHead(blob, 8 + static_cast<qint64>(headerLength)).mid(8);
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
            const QString dtype = GoEncoding::string(tensor, "dtype");
            if (dtype != QLatin1String("F32") && dtype != QLatin1String("F16") && dtype != QLatin1String("BF16") &&
                dtype != QLatin1String("F8_E4M3")) {
                return QStringLiteral("unknown data type: %1").arg(dtype);
            }
            qint64 count = 1;
            for (const auto& dim : tensor.value("shape", json::array())) {
                count *= dim.is_number_integer() ? dim.get<qint64>() : 1;
            }
            source.parameterCount += count;
        }
    }
    if (!anyTensors) {
        return QStringLiteral("unknown tensor format");
    }
    if (files.contains("tokenizer_config.json")) {
        QFile tokenizerConfig(store.blobPath(blobOf("tokenizer_config.json")));
        if (tokenizerConfig.open(QIODevice::ReadOnly)) {
            try {
                const json tc = json::parse(tokenizerConfig.read(64 << 20).toStdString());
                const OllamaRules::DetectedTemplate detected =
                    OllamaRules::detectTemplate(GoEncoding::string(tc, "chat_template"));
                source.detectedTemplate = detected.name;
                source.detectedTemplateText = detected.text;
            } catch (const json::exception&) {
                // not a template source then
            }
        }
    }
    return {};
}

} // namespace deepext::fake
