#include "deepext/base/Uuid.h"

#include <uuid/uuid.h>

namespace deepext {

std::string newUuidV4()
{
    uuid_t raw;
    uuid_generate_random(raw);
    char text[37];
    uuid_unparse_lower(raw, text);
    return std::string(text);
}

std::string shortHex(const std::string& uuid)
{
    return uuid.substr(0, 4);
}

} // namespace deepext
