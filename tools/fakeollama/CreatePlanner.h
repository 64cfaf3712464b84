#pragma once

#include "OllamaVersion.h"
#include "ServerState.h"

#include <QByteArray>
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
    // Errors found before streaming (§4.2): answered with this status and a JSON error body.
    int preStatus = 0;
    QString preError;
    bool stream = true;
    std::vector<CreateStep> steps;
};

// Turns a create request into the response the real server would give (ollama-api.md §4, §9, §10.6-10.9),
// reading the uploaded blobs (config.json, safetensors headers) the way the converter would, and weaving in the
// create fault switches.
class CreatePlanner
{
public:
    CreatePlanner(ServerState& state, const OllamaVersion& version, const FaultSettings& faults);

    CreatePlan plan(const QByteArray& body);

    // Go text/template's parse errors for the common mistakes (unclosed action, stray end, missing end).
    static QString templateError(const QString& text);
    // fs.ValidPath
    static bool isValidPath(const QString& path);

private:
    struct Source; // what the model layer is built from

    CreatePlan planCurrent(const QByteArray& body);
    CreatePlan planLegacy(const QByteArray& body);
    // Appends conversion/quantization/layer/manifest steps for a resolved source; false when it ended in an error.
    void planModel(CreatePlan& plan, const nlohmann::json& request, Source& source);
    bool planSafetensors(CreatePlan& plan, const nlohmann::json& files, Source& source);
    void applyFaults(CreatePlan& plan) const;

    void line(CreatePlan& plan, const nlohmann::json& object) const;
    void status(CreatePlan& plan, const QString& text) const;
    void error(CreatePlan& plan, int status, const QString& message) const;

    ModelStore& m_store;
    OllamaVersion m_version;
    FaultSettings m_faults;
};

} // namespace deepext::fake
