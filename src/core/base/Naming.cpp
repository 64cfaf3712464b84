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

std::string deployedName(const std::string& saved, const std::string& uuid, const std::string& quantization)
{
    return saved + "_d_" + shortHex(uuid) + "_" + quantization;
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
