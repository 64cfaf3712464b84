#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace deepext::naming {

// Technical (base model) and train names: [A-Za-z0-9][A-Za-z0-9._-]*, at most 40 characters. They become parts of
// directory names, so anything that could escape a folder (slashes, "..", spaces, control characters) is refused.
// Returns an empty string when valid, else a message saying what is wrong.
std::string checkTechnicalName(const std::string& name, const std::string& what = "technical name");

// Generated names (docs/architecture.md, "Names"): each takes the full UUID and uses its first 4 hex digits.
std::string trainedName(const std::string& baseTechnicalName, const std::string& trainName, const std::string& yyyymmdd,
                        const std::string& uuid);
std::string savedName(const std::string& trainedName, const std::string& uuid);
// The longest deployed name we generate (Ollama's limit on a model part, and OllamaName::MaxLength).
constexpr std::size_t MaxDeployedNameLength = 80;
// <saved>_d_<4hex>_<quantization>, always a valid Ollama model name of at most maxLength characters: characters
// Ollama refuses become '-', and a name that would be too long keeps the saved model's "_s_<4hex>" and the deploy
// suffix whole and trims the middle of the part before them, keeping its first and last halves joined by "--".
std::string deployedName(const std::string& savedName, const std::string& uuid, const std::string& quantization,
                         std::size_t maxLength = MaxDeployedNameLength);

// Today's local calendar date as YYYYMMDD.
std::string localDateStamp();

// Draws fresh v4 UUIDs until `makeName(uuid)` gives a name `isTaken` rejects no more (bounded: after 64 draws, throws).
struct UniqueName
{
    std::string name;
    std::string uuid;
};
UniqueName drawUniqueName(const std::function<std::string(const std::string& uuid)>& makeName,
                          const std::function<bool(const std::string& name)>& isTaken);

// A name that is safe as a single path component inside a workspace folder (generated names, names read back
// from registries that a user may have edited by hand).
bool isSafePathComponent(const std::string& name);

} // namespace deepext::naming
