#include "deepext/base/Error.h"

namespace deepext {

Error::Error(std::string message, std::string details, Kind kind)
    : std::runtime_error(message)
    , m_message(std::move(message))
    , m_details(std::move(details))
    , m_kind(kind)
{
}

} // namespace deepext
