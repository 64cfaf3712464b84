#include "ChatTemplates.h"

#include "deepext/base/Logging.h"

#include <filesystem>

namespace deepext::gguf {
namespace {

// GGUFWriter.add_chat_template: one "_" per character that is not an ASCII letter or digit.
std::string sanitizedName(const std::string& name)
{
    std::string out;
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9')) {
            out.push_back(c);
        } else if ((byte & 0xC0) != 0x80) { // a UTF-8 continuation byte belongs to the character already replaced
            out.push_back('_');
        }
    }
    return out;
}

// Python's text-mode read (universal newlines), which convert uses for the .jinja files: "\r\n" and a lone
// "\r" become "\n".
std::string universalNewlines(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

} // namespace

void ChatTemplates::add(const nlohmann::json& value, const std::string& source)
{
    if (value.is_null()) {
        return;
    }
    if (value.is_string()) {
        if (!value.get_ref<const std::string&>().empty()) {
            m_default = value.get<std::string>();
        }
        return;
    }
    if (!value.is_array()) {
        logging::core()->warn("GGUF export: ignoring the chat_template of {}: it is neither text nor a list", source);
        return;
    }
    for (const nlohmann::json& choice : value) {
        if (!choice.is_object()) {
            continue;
        }
        const auto nameIt = choice.find("name");
        const auto templateIt = choice.find("template");
        const std::string name =
            sanitizedName(nameIt != choice.end() && nameIt->is_string() ? nameIt->get<std::string>() : "");
        if (name.empty() || templateIt == choice.end() || !templateIt->is_string()) {
            continue;
        }
        const std::string text = templateIt->get<std::string>();
        if (name == "default") {
            if (!text.empty()) {
                m_default = text;
            }
            continue;
        }
        bool replaced = false;
        for (auto& [existing, existingText] : m_named) {
            if (existing == name) {
                existingText = text;
                replaced = true;
            }
        }
        if (!replaced) {
            m_named.emplace_back(name, text);
        }
    }
}

ChatTemplates ChatTemplates::read(const TokenizerFiles& files)
{
    ChatTemplates result;
    const auto& config = files.tokenizerConfig();
    if (!config || config->empty()) {
        return result;
    }
    if (const auto it = config->find("chat_template"); it != config->end()) {
        result.add(*it, files.pathOf("tokenizer_config.json"));
        return result;
    }
    if (const auto jinja = files.readText("chat_template.jinja")) {
        const std::vector<std::string> additional = files.list("additional_chat_templates", ".jinja");
        if (additional.empty()) {
            result.add(universalNewlines(*jinja), files.pathOf("chat_template.jinja"));
            return result;
        }
        nlohmann::json list = nlohmann::json::array({{{"name", "default"}, {"template", universalNewlines(*jinja)}}});
        for (const std::string& file : additional) {
            list.push_back({{"name", std::filesystem::path(file).stem().string()},
                            {"template", universalNewlines(files.readText(file).value_or(""))}});
        }
        result.add(list, files.pathOf("additional_chat_templates"));
        return result;
    }
    if (const auto json = files.readJson("chat_template.json")) {
        if (json->is_object() && json->contains("chat_template")) {
            result.add((*json)["chat_template"], files.pathOf("chat_template.json"));
        }
    }
    return result;
}

void ChatTemplates::addTo(GgufMetadata& metadata) const
{
    std::vector<std::string> names;
    for (const auto& [name, text] : m_named) {
        names.push_back(name);
        if (!text.empty()) {
            metadata.set("tokenizer.chat_template." + name, GgufValue::string(text));
        }
    }
    if (!names.empty()) {
        metadata.set("tokenizer.chat_templates", GgufValue::stringArray(names));
    }
    if (m_default) {
        metadata.set("tokenizer.chat_template", GgufValue::string(*m_default));
    }
}

} // namespace deepext::gguf
