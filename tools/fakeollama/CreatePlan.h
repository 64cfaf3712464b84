#pragma once

#include <QString>

#include <nlohmann/json.hpp>

#include <functional>
#include <vector>

namespace deepext::fake {

// One step of a create response as the connection plays it out.
struct CreateStep
{
    enum class Kind
    {
        Line,     // a progress object
        Error,    // ends the stream: first message gives the HTTP status, later ones an inline {"error"} line
        Hold,     // wait until the test releases the create
        Truncate, // close mid-stream without the final success
        Commit,   // write the model record (just before "success")
    };
    Kind kind = Kind::Line;
    nlohmann::json line;
    int status = 0; // Error: the status the handler would pick
    QString error;
    std::function<void()> commit;
};

struct CreatePlan
{
    // Errors found before streaming (server/create.go CreateHandler's checks): answered with this status and a JSON
    // error body.
    int preStatus = 0;
    QString preError;
    bool stream = true;
    std::vector<CreateStep> steps;
};

} // namespace deepext::fake
