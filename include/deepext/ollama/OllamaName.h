#pragma once

#include <cstddef>
#include <string>

namespace deepext::ollama {

// An Ollama model name, [host/][namespace/]model[:tag], split and checked as Ollama does (types/model/name.go;
// docs/ollama-notes.md, "Model names").
class OllamaName
{
public:
    static constexpr const char* DefaultHost = "registry.ollama.ai";
    static constexpr const char* DefaultNamespace = "library";
    static constexpr const char* DefaultTag = "latest";
    // Our own limit on the whole name we generate or accept (at most 80 characters, docs/architecture.md, "Names").
    static constexpr std::size_t MaxLength = 80;

    // Splits like ParseName and fills in the defaults; check isValid() afterwards.
    static OllamaName parse(const std::string& name);

    // Empty when `name` can be created in Ollama and is fit for us; otherwise a message saying what is wrong.
    static std::string validationError(const std::string& name);
    static bool isValid(const std::string& name) { return validationError(name).empty(); }

    // DisplayShortest: default host and namespace dropped, tag always present ("mario" -> "mario:latest").
    // Keeps the case the name was written in.
    static std::string displayForm(const std::string& name);
    // The key two names are compared by: displayForm lowercased (Ollama matches names ignoring case).
    static std::string comparisonKey(const std::string& name);
    static bool sameModel(const std::string& a, const std::string& b) { return comparisonKey(a) == comparisonKey(b); }

    const std::string& host() const { return m_host; }
    const std::string& nameSpace() const { return m_namespace; }
    const std::string& model() const { return m_model; }
    const std::string& tag() const { return m_tag; }
    // Ollama's own check (every part's characters and length), without our extra rules.
    bool isValid() const;
    std::string displayShortest() const;

private:
    std::string m_host;
    std::string m_namespace;
    std::string m_model;
    std::string m_tag;
};

} // namespace deepext::ollama
