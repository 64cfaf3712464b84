#include "deepext/ollama/OllamaName.h"

#include <algorithm>
#include <cctype>

namespace deepext::ollama {
namespace {

// Ollama marks a part that was promised by a separator but left empty ("foo:", "/foo") with a value no part can
// match, so the name fails validation.
const std::string MissingPart = "!MISSING!";

enum class PartKind
{
    Host,
    Namespace,
    Model,
    Tag,
};

struct Cut
{
    std::string before;
    std::string after;
    bool found = false;
};

Cut cutPromised(const std::string& s, char separator)
{
    const auto i = s.rfind(separator);
    if (i == std::string::npos) {
        return {s, {}, false};
    }
    Cut cut{s.substr(0, i), s.substr(i + 1), true};
    if (cut.before.empty()) {
        cut.before = MissingPart;
    }
    if (cut.after.empty()) {
        cut.after = MissingPart;
    }
    return cut;
}

bool isAlnumOrUnderscore(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool isValidPart(PartKind kind, const std::string& s)
{
    const std::size_t maxLength = kind == PartKind::Host ? 350 : 80;
    if (s.empty() || s.size() > maxLength) {
        return false;
    }
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 0) {
            if (!isAlnumOrUnderscore(c)) {
                return false;
            }
            continue;
        }
        switch (c) {
        case '_':
        case '-':
            break;
        case '.':
            if (kind == PartKind::Namespace) {
                return false;
            }
            break;
        case ':':
            if (kind != PartKind::Host) {
                return false;
            }
            break;
        default:
            if (!isAlnumOrUnderscore(c)) {
                return false;
            }
        }
    }
    return true;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool equalsIgnoringCase(const std::string& a, const std::string& b)
{
    return lower(a) == lower(b);
}

} // namespace

OllamaName OllamaName::parse(const std::string& name)
{
    OllamaName result;
    std::string s = name;
    // "/" cannot be part of a tag, so a ":" after the last "/" starts the tag.
    const auto colon = s.rfind(':');
    const auto slash = s.rfind('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        const Cut tag = cutPromised(s, ':');
        s = tag.before;
        result.m_tag = tag.after;
    }
    const Cut model = cutPromised(s, '/');
    if (!model.found) {
        result.m_model = s;
    } else {
        result.m_model = model.after;
        const Cut ns = cutPromised(model.before, '/');
        if (!ns.found) {
            result.m_namespace = model.before;
        } else {
            result.m_namespace = ns.after;
            const auto scheme = ns.before.find("://");
            result.m_host = scheme == std::string::npos ? ns.before : ns.before.substr(scheme + 3);
        }
    }
    if (result.m_host.empty()) {
        result.m_host = DefaultHost;
    }
    if (result.m_namespace.empty()) {
        result.m_namespace = DefaultNamespace;
    }
    if (result.m_tag.empty()) {
        result.m_tag = DefaultTag;
    }
    return result;
}

bool OllamaName::isValid() const
{
    return isValidPart(PartKind::Host, m_host) && isValidPart(PartKind::Namespace, m_namespace) &&
           isValidPart(PartKind::Model, m_model) && isValidPart(PartKind::Tag, m_tag);
}

std::string OllamaName::displayShortest() const
{
    std::string out;
    if (!equalsIgnoringCase(m_host, DefaultHost)) {
        out += m_host + "/";
    }
    if (!out.empty() || !equalsIgnoringCase(m_namespace, DefaultNamespace)) {
        out += m_namespace + "/";
    }
    return out + m_model + ":" + m_tag;
}

std::string OllamaName::validationError(const std::string& name)
{
    const std::string quoted = "\"" + name + "\"";
    if (name.empty()) {
        return "the Ollama model name is empty";
    }
    if (name.size() > MaxLength) {
        return "the Ollama model name " + quoted + " is " + std::to_string(name.size()) + " characters long; at most " +
               std::to_string(MaxLength) + " are allowed";
    }
    const OllamaName parsed = parse(name);
    if (!parsed.isValid()) {
        return "the Ollama model name " + quoted +
               " is not valid: use [namespace/]model[:tag], where each part starts with a letter, digit or '_' and "
               "contains only letters, digits, '_', '-' and '.' (no '.' in the namespace)";
    }
    // Ollama reads these tags as cloud/local source markers, so `show` would look for the model elsewhere.
    const std::string tag = lower(parsed.tag());
    if (tag == "cloud" || tag == "local" || (tag.size() >= 6 && tag.compare(tag.size() - 6, 6, "-cloud") == 0)) {
        return "the Ollama model name " + quoted + " has the tag \"" + parsed.tag() +
               "\", which Ollama reserves for cloud models; choose another tag";
    }
    return {};
}

std::string OllamaName::displayForm(const std::string& name)
{
    return parse(name).displayShortest();
}

std::string OllamaName::comparisonKey(const std::string& name)
{
    return lower(displayForm(name));
}

} // namespace deepext::ollama
