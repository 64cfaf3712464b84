#include "deepext/base/Naming.h"

#include "deepext/base/Error.h"
#include "deepext/base/Uuid.h"

#include <QDate>

#include <cctype>

namespace deepext::naming {
namespace {

bool isNameChar(unsigned char c)
{
    return std::isalnum(c) || c == '.' || c == '_' || c == '-';
}

bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Length of a trailing "_s_<4 hex>" (a saved model's own suffix), else 0.
std::size_t savedSuffixLength(const std::string& saved)
{
    constexpr std::size_t length = 7;
    if (saved.size() <= length || saved.compare(saved.size() - length, 3, "_s_") != 0) {
        return 0;
    }
    for (std::size_t i = saved.size() - 4; i < saved.size(); ++i) {
        if (!isHexDigit(saved[i])) {
            return 0;
        }
    }
    return length;
}

// Ollama's model part: [A-Za-z0-9_][A-Za-z0-9_.-]*.
std::string ollamaSafe(std::string text)
{
    for (char& c : text) {
        if (!isNameChar(static_cast<unsigned char>(c))) {
            c = '-';
        }
    }
    if (!text.empty() && !std::isalnum(static_cast<unsigned char>(text.front())) && text.front() != '_') {
        text.front() = '_';
    }
    return text;
}

} // namespace

std::string checkTechnicalName(const std::string& name, const std::string& what)
{
    if (name.empty()) {
        return "the " + what + " is empty";
    }
    if (name.size() > 40) {
        return "the " + what + " '" + name + "' is " + std::to_string(name.size()) +
               " characters long; at most 40 are allowed";
    }
    if (!std::isalnum(static_cast<unsigned char>(name.front()))) {
        return "the " + what + " '" + name + "' must start with a letter or digit";
    }
    for (const char c : name) {
        if (!isNameChar(static_cast<unsigned char>(c))) {
            std::string shown =
                std::isprint(static_cast<unsigned char>(c)) ? std::string(1, c) : std::string("a control character");
            if (c == ' ') {
                shown = "a space";
            }
            return "the " + what + " '" + name + "' contains " + (shown.size() == 1 ? "'" + shown + "'" : shown) +
                   "; use only letters, digits, '.', '_' and '-'";
        }
    }
    if (name.find("..") != std::string::npos) {
        return "the " + what + " '" + name + "' contains '..'";
    }
    return {};
}

std::string trainedName(const std::string& baseTechnicalName, const std::string& trainName, const std::string& yyyymmdd,
                        const std::string& uuid)
{
    return baseTechnicalName + "_" + trainName + "_" + yyyymmdd + "_" + shortHex(uuid);
}

std::string savedName(const std::string& trained, const std::string& uuid)
{
    return trained + "_s_" + shortHex(uuid);
}

std::string deployedName(const std::string& saved, const std::string& uuid, const std::string& quantization,
                         std::size_t maxLength)
{
    const std::string deploySuffix = ollamaSafe("_d_" + shortHex(uuid) + "_" + quantization);
    const std::size_t kept = savedSuffixLength(saved);
    const std::string savedSuffix = saved.substr(saved.size() - kept);
    std::string longPart = ollamaSafe(saved.substr(0, saved.size() - kept));
    const std::string marker = "--";
    const std::size_t fixed = savedSuffix.size() + deploySuffix.size();
    if (fixed + longPart.size() > maxLength) {
        if (maxLength < fixed + marker.size() + 2) {
            throw Error("cannot make a deployed name of at most " + std::to_string(maxLength) + " characters for " +
                        saved + "; give a name");
        }
        // Both ends tell models apart: the head names the base, the tail holds the train name, date and UUID.
        const std::size_t budget = maxLength - fixed - marker.size();
        const std::size_t tail = budget / 2;
        const std::size_t head = budget - tail;
        longPart = longPart.substr(0, head) + marker + longPart.substr(longPart.size() - tail);
    }
    return longPart + savedSuffix + deploySuffix;
}

std::string localDateStamp()
{
    return QDate::currentDate().toString(QStringLiteral("yyyyMMdd")).toStdString();
}

UniqueName drawUniqueName(const std::function<std::string(const std::string&)>& makeName,
                          const std::function<bool(const std::string&)>& isTaken)
{
    for (int attempt = 0; attempt < 64; ++attempt) {
        const std::string uuid = newUuidV4();
        std::string name = makeName(uuid);
        if (!isTaken(name)) {
            return {std::move(name), uuid};
        }
    }
    throw Error("could not find a free name after 64 attempts (too many models with the same prefix?)");
}

bool isSafePathComponent(const std::string& name)
{
    if (name.empty() || name == "." || name == ".." || name.size() > 255) {
        return false;
    }
    for (const char c : name) {
        if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return name.find("..") == std::string::npos;
}

} // namespace deepext::naming
