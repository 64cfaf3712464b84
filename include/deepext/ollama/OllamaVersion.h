#pragma once

#include <string>
#include <vector>

namespace deepext::ollama {

// A server version from GET /api/version ("0.5.7", "0.33.0-rc2", "0.0.0" for a source build).
class OllamaVersion
{
public:
    // The first version whose /api/create takes JSON fields (files, template, ...): commit 86a622cbd, in v0.5.5.
    static OllamaVersion minimumForDeploy() { return OllamaVersion(0, 5, 5); }

    OllamaVersion() = default;
    OllamaVersion(int major, int minor, int patch);

    // Accepts an optional leading "v" and a pre-release or build suffix; isValid() is false when the text is no
    // version at all.
    static OllamaVersion parse(const std::string& text);

    bool isValid() const { return m_valid; }
    // A build without version ldflags reports 0.0.0; it is built from recent source, so counts as current.
    bool isSourceBuild() const { return m_valid && m_major == 0 && m_minor == 0 && m_patch == 0; }
    // Compares major.minor.patch; a pre-release counts as its release (0.5.5-rc1 has the 0.5.5 API).
    bool isAtLeast(const OllamaVersion& other) const;
    bool supportsJsonCreate() const { return isSourceBuild() || isAtLeast(minimumForDeploy()); }
    std::string toString() const;

    // Whether Ollama's safetensors converter at this version is known to handle config.json architectures[0]
    // (convert/convert.go LoadModelMetadata; docs/ollama-notes.md). False means "not known", not "certainly fails".
    bool isKnownToConvert(const std::string& architecture) const;

    // What Ollama's safetensors converter at this version does with config.json architectures[0]. Refuses: not in
    // its table at this version (where the table gives the versions an entry was added or removed, or the name is
    // not in it at all). Unsure: listed at the snapshot only, so an older server may or may not know it.
    enum class Converter
    {
        Converts,
        Refuses,
        Unsure,
    };
    Converter converterFor(const std::string& architecture) const;
    // The architectures this version's converter accepts (Converts), in table order, for messages.
    std::vector<std::string> convertibleArchitectures() const;

private:
    int m_major = 0;
    int m_minor = 0;
    int m_patch = 0;
    bool m_valid = false;
};

} // namespace deepext::ollama
