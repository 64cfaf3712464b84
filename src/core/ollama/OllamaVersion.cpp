#include "deepext/ollama/OllamaVersion.h"

#include <charconv>
#include <vector>

namespace deepext::ollama {
namespace {

struct ArchitectureSupport
{
    const char* architecture;
    OllamaVersion since;
    OllamaVersion until; // first version without it; invalid: still supported
};

// Where Ollama's history gives a version we use it (convert/convert.go LoadModelMetadata at each tag); v0.5.5 had
// Llama, Mistral, Mixtral, Gemma, Gemma 2, Phi-3 and BERT; Gemma 3 arrived in v0.6.0 and Mistral 3 with v0.6.5. For the
// rest only the snapshot (v0.33.0) is certain, so on older servers they are Unsure (a warning, never a refusal).
const OllamaVersion V055(0, 5, 5);
const OllamaVersion Snapshot(0, 33, 0);

const std::vector<ArchitectureSupport> Architectures{
    {"LlamaForCausalLM", V055, {}},
    {"MistralForCausalLM", V055, OllamaVersion(0, 6, 5)},
    {"MixtralForCausalLM", V055, {}},
    {"GemmaForCausalLM", V055, {}},
    {"Gemma2ForCausalLM", V055, {}},
    {"Phi3ForCausalLM", V055, {}},
    {"BertModel", V055, {}},
    {"Qwen2ForCausalLM", OllamaVersion(0, 5, 6), {}},
    {"Gemma3ForCausalLM", OllamaVersion(0, 6, 0), {}},
    {"Gemma3ForConditionalGeneration", OllamaVersion(0, 6, 0), {}},
    {"Mistral3ForConditionalGeneration", OllamaVersion(0, 6, 5), {}},
    {"MllamaForConditionalGeneration", Snapshot, {}},
    {"Llama4ForConditionalGeneration", Snapshot, {}},
    {"Ministral3ForCausalLM", Snapshot, {}},
    {"Gemma3TextModel", Snapshot, {}},
    {"Gemma3nForConditionalGeneration", Snapshot, {}},
    {"Gemma4ForCausalLM", Snapshot, {}},
    {"Gemma4ForConditionalGeneration", Snapshot, {}},
    {"Qwen2_5_VLForConditionalGeneration", Snapshot, {}},
    {"Qwen3VLForConditionalGeneration", Snapshot, {}},
    {"Qwen3VLMoeForConditionalGeneration", Snapshot, {}},
    {"Qwen3NextForCausalLM", Snapshot, {}},
    {"Qwen3_5ForConditionalGeneration", Snapshot, {}},
    {"Qwen3_5MoeForConditionalGeneration", Snapshot, {}},
    {"Olmo3ForCausalLM", Snapshot, {}},
    {"NomicBertModel", Snapshot, {}},
    {"NomicBertMoEModel", Snapshot, {}},
    {"CohereForCausalLM", Snapshot, {}},
    {"GptOssForCausalLM", Snapshot, {}},
    {"DeepseekOCRForCausalLM", Snapshot, {}},
    {"DeepseekV3ForCausalLM", Snapshot, {}},
    {"Glm4MoeLiteForCausalLM", Snapshot, {}},
    {"GlmOcrForConditionalGeneration", Snapshot, {}},
    {"LagunaForCausalLM", Snapshot, {}},
    {"Lfm2ForCausalLM", Snapshot, {}},
    {"Lfm2MoeForCausalLM", Snapshot, {}},
    {"Lfm2VlForConditionalGeneration", Snapshot, {}},
    {"NemotronH_Nano_VL_V2", Snapshot, {}},
    {"NemotronH_Nano_Omni_Reasoning_V3", Snapshot, {}},
    {"NemotronHForCausalLM", Snapshot, {}},
};

bool parseNumber(const std::string& text, std::size_t& pos, int& out)
{
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        ++pos;
    }
    if (pos == start || pos - start > 9) {
        return false;
    }
    std::from_chars(text.data() + start, text.data() + pos, out);
    return true;
}

} // namespace

OllamaVersion::OllamaVersion(int major, int minor, int patch)
    : m_major(major)
    , m_minor(minor)
    , m_patch(patch)
    , m_valid(true)
{
}

OllamaVersion OllamaVersion::parse(const std::string& text)
{
    std::size_t pos = 0;
    if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) {
        pos = 1;
    }
    int major = 0;
    int minor = 0;
    int patch = 0;
    if (!parseNumber(text, pos, major) || pos >= text.size() || text[pos] != '.' || !parseNumber(text, ++pos, minor)) {
        return {};
    }
    if (pos < text.size() && text[pos] == '.') {
        if (!parseNumber(text, ++pos, patch)) {
            return {};
        }
    }
    if (pos < text.size() && text[pos] != '-' && text[pos] != '+') {
        return {};
    }
    return OllamaVersion(major, minor, patch);
}

bool OllamaVersion::isAtLeast(const OllamaVersion& other) const
{
    if (m_major != other.m_major) {
        return m_major > other.m_major;
    }
    if (m_minor != other.m_minor) {
        return m_minor > other.m_minor;
    }
    return m_patch >= other.m_patch;
}

std::string OllamaVersion::toString() const
{
    return std::to_string(m_major) + "." + std::to_string(m_minor) + "." + std::to_string(m_patch);
}

bool OllamaVersion::isKnownToConvert(const std::string& architecture) const
{
    return converterFor(architecture) == Converter::Converts;
}

OllamaVersion::Converter OllamaVersion::converterFor(const std::string& architecture) const
{
    if (architecture.empty()) {
        return Converter::Refuses; // "unknown architecture"
    }
    // A source build or an unknown version is judged by the snapshot.
    const OllamaVersion effective = (!m_valid || isSourceBuild()) ? Snapshot : *this;
    for (const auto& entry : Architectures) {
        if (architecture != entry.architecture) {
            continue;
        }
        if (!effective.isAtLeast(entry.since)) {
            // Only the snapshot is certain for these: an older server may have had them already.
            const bool sinceIsCertain = !(entry.since.isAtLeast(Snapshot) && Snapshot.isAtLeast(entry.since));
            return sinceIsCertain ? Converter::Refuses : Converter::Unsure;
        }
        const bool dropped = entry.until.isValid() && effective.isAtLeast(entry.until);
        return dropped ? Converter::Refuses : Converter::Converts;
    }
    return Converter::Refuses;
}

std::vector<std::string> OllamaVersion::convertibleArchitectures() const
{
    std::vector<std::string> names;
    for (const auto& entry : Architectures) {
        if (converterFor(entry.architecture) == Converter::Converts) {
            names.emplace_back(entry.architecture);
        }
    }
    return names;
}

} // namespace deepext::ollama
