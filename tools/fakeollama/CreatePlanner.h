#pragma once

#include "CreatePlan.h"
#include "CreateSource.h"
#include "OllamaVersion.h"
#include "ServerState.h"

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// Turns a create request into the response the real server would give (server/create.go, server/images.go@v0.5.4),
// reading the uploaded blobs (config.json, safetensors headers) the way the converter would, and weaving in the
// create fault switches.
class CreatePlanner
{
public:
    CreatePlanner(ServerState& state, const OllamaVersion& version, const FaultSettings& faults);

    CreatePlan plan(const QByteArray& body);

private:
    CreatePlan planCurrent(const QByteArray& body);
    CreatePlan planLegacy(const QByteArray& body);
    // Appends the conversion, quantization, layer and manifest steps for a resolved source (an error step ends them
    // when a check fails).
    void planModel(CreatePlan& plan, const nlohmann::json& request, CreateSource& source);
    void applyFaults(CreatePlan& plan) const;

    void line(CreatePlan& plan, const nlohmann::json& object) const;
    void status(CreatePlan& plan, const QString& text) const;
    void error(CreatePlan& plan, int status, const QString& message) const;

    ModelStore& m_store;
    OllamaVersion m_version;
    FaultSettings m_faults;
};

} // namespace deepext::fake
