#pragma once

#include <stdexcept>
#include <string>

namespace deepext {

// The one error type of the core: a message a user can act on (what failed, which file or server, what to do),
// plus optional details (a server's own text, a list of mismatches). The CLI prints "error: <message>" and exits 1;
// the GUI shows the message with the details folded away.
class Error : public std::runtime_error
{
public:
    enum class Kind
    {
        Failed,    // the operation failed (exit 1)
        Usage,     // the request itself is malformed (exit 2)
        Cancelled, // the user cancelled
    };

    explicit Error(std::string message, std::string details = {}, Kind kind = Kind::Failed);

    static Error usage(std::string message) { return Error(std::move(message), {}, Kind::Usage); }
    static Error cancelled() { return Error("cancelled by the user", {}, Kind::Cancelled); }

    const std::string& message() const { return m_message; }
    const std::string& details() const { return m_details; }
    Kind kind() const { return m_kind; }
    bool isCancelled() const { return m_kind == Kind::Cancelled; }

private:
    std::string m_message;
    std::string m_details;
    Kind m_kind;
};

} // namespace deepext
