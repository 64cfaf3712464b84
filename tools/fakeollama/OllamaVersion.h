#pragma once

#include <QString>

namespace deepext::fake {

// A server version such as "0.33.0-rc2": which behaviour era the stand-in imitates. A pre-release counts as the
// release it leads to, which is all the era checks need.
class OllamaVersion
{
public:
    explicit OllamaVersion(const QString& text = QStringLiteral("0.33.0-rc2"));

    const QString& text() const { return m_text; }
    // True when this version is at least major.minor.patch.
    bool atLeast(int major, int minor, int patch) const;

    // The eras of docs/ollama-notes.md, "Versions".
    bool legacyCreate() const { return !atLeast(0, 5, 5); }       // Modelfile text, server-side parse
    bool inlineErrorStatus() const { return !atLeast(0, 12, 6); } // errors as 200 + NDJSON line
    bool narrowQuantizeSet() const { return atLeast(0, 6, 9); }   // F32..Q8_0 only
    bool namedUnsupportedArchitecture() const { return atLeast(0, 6, 8); }
    bool verifiesConversion() const { return atLeast(0, 12, 0); }
    bool validatesGguf() const { return atLeast(0, 30, 0); }
    bool bf16SourceMessage() const { return atLeast(0, 22, 1); }
    bool pruneGracePeriod() const { return atLeast(0, 21, 0); }

private:
    QString m_text;
    int m_major = 0;
    int m_minor = 0;
    int m_patch = 0;
};

} // namespace deepext::fake
