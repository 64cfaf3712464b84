#include "OllamaRules.h"

#include <QList>

#include <cmath>

namespace deepext::fake {
namespace {

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

} // namespace

bool OllamaRules::architectureSupported(const QString& arch, const OllamaVersion& version)
{
    if (arch == QLatin1String("MistralForCausalLM")) {
        return !version.atLeast(0, 6, 5);
    }
    if (arch == QLatin1String("Qwen2ForCausalLM")) {
        return version.atLeast(0, 5, 6);
    }
    return supportedArchitectures().contains(arch);
}

QString OllamaRules::normalizeQuantize(const QString& upper, bool narrow)
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

QString OllamaRules::humanNumber(qint64 n)
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

double OllamaRules::sizeFactor(const QString& type)
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

OllamaRules::DetectedTemplate OllamaRules::detectTemplate(const QString& chatTemplate)
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

bool OllamaRules::isValidPath(const QString& path)
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

QString OllamaRules::templateError(const QString& text)
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

} // namespace deepext::fake
