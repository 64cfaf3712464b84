#include "TokenType.h"

namespace deepext::gguf {
namespace {

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view text, std::string_view suffix)
{
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

} // namespace

bool doesTokenLookSpecial(std::string_view text)
{
    if (text == "<pad>" || text == "<mask>" || text == "<2mass>" || text == "[@BOS@]") {
        return true;
    }
    if (startsWith(text, "<|") && endsWith(text, "|>")) {
        return true;
    }
    // The full-width bars of DeepSeek's tokens: "<｜" and "｜>" (U+FF5C).
    if (startsWith(text, "<\xEF\xBD\x9C") && endsWith(text, "\xEF\xBD\x9C>")) {
        return true;
    }
    return startsWith(text, "<unused") && endsWith(text, ">");
}

std::string replaceSentencePieceSpaces(std::string text)
{
    static constexpr std::string_view lowerBlock = "\xE2\x96\x81"; // U+2581 "▁"
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, lowerBlock.size(), lowerBlock) == 0) {
            out.push_back(' ');
            i += lowerBlock.size();
        } else {
            out.push_back(text[i]);
            ++i;
        }
    }
    return out;
}

std::string paddingTokenText(std::uint32_t id)
{
    return "[PAD" + std::to_string(id) + "]";
}

} // namespace deepext::gguf
