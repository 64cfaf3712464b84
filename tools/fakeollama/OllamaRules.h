#pragma once

#include "OllamaVersion.h"

#include <QString>

namespace deepext::fake {

// What the real server knows when it creates a model, reduced to what the stand-in needs: which architectures the
// converter takes, which quantization names each era accepts, how it names sizes, which chat templates it
// recognises, and the Go library checks it runs on paths and templates.
class OllamaRules
{
public:
    struct DetectedTemplate
    {
        QString name; // e.g. "chatml"; empty when none was recognised
        QString text; // the Go template Ollama uses for it
    };

    // convert/convert.go LoadModelMetadata (at HEAD; Mistral until 0.6.5, Qwen2 from 0.5.6).
    static bool architectureSupported(const QString& architecture, const OllamaVersion& version);
    // fs/ggml/type.go ParseFileType: the canonical name of an upper-case quantization type, aliases resolved
    // (Q4_K -> Q4_K_M), or empty when the era does not accept it. narrow: the F32..Q8_0 set of 0.6.9 and later.
    static QString normalizeQuantize(const QString& upper, bool narrow);
    // format.HumanNumber: 1.1B, 494.03M, 7K.
    static QString humanNumber(qint64 n);
    // Roughly how big the GGUF of a given type is next to its F16 form, so sizes in /api/tags look plausible.
    static double sizeFactor(const QString& type);
    // server/model.go detectChatTemplate, reduced to the markers of the common families.
    static DetectedTemplate detectTemplate(const QString& chatTemplate);
    // io/fs.ValidPath: what /api/create accepts as a files key.
    static bool isValidPath(const QString& path);
    // Go text/template's parse errors for the common mistakes (unclosed action, stray end, missing end); empty when
    // the template parses.
    static QString templateError(const QString& text);
};

} // namespace deepext::fake
