#pragma once

#include "TokenizerFiles.h"
#include "deepext/gguf/GgufValue.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace deepext::gguf {

// The chat template(s), verbatim, from where gguf-py's `SpecialVocab` takes them: tokenizer_config.json
// `chat_template` (a string, or a list of {name, template}); when that key is absent, chat_template.jinja (with
// additional_chat_templates/*.jinja as named ones), else chat_template.json's `chat_template`. Like SpecialVocab,
// nothing is read when tokenizer_config.json is missing or empty. Written as `tokenizer.chat_template` (the
// default), `tokenizer.chat_template.<name>` and the name list `tokenizer.chat_templates` (names keep only
// ASCII letters and digits, anything else becoming "_", as GGUFWriter.add_chat_template does).
class ChatTemplates
{
public:
    static ChatTemplates read(const TokenizerFiles& files);

    const std::optional<std::string>& defaultTemplate() const { return m_default; }
    // (name, template) in the order first seen.
    const std::vector<std::pair<std::string, std::string>>& named() const { return m_named; }

    void addTo(GgufMetadata& metadata) const;

private:
    void add(const nlohmann::json& value, const std::string& source);

    std::optional<std::string> m_default;
    std::vector<std::pair<std::string, std::string>> m_named;
};

} // namespace deepext::gguf
