#pragma once

#include "deepext/base/ManifestEntry.h"
#include "deepext/ollama/DeployTypes.h"
#include "deepext/ollama/OllamaVersion.h"

#include <QString>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace deepext::ollama {

// Which /api/create a server speaks (see docs/ollama-notes.md, "Two generations of /api/create").
enum class CreateApi
{
    Unknown,   // the server has not been asked yet
    JsonFiles, // 0.5.5 and later (and source builds): JSON fields, the files map of uploaded blobs
    Modelfile, // up to 0.5.4: a Modelfile parsed on the server; we cannot deploy there
};

// One file the deploy sends: its manifest entry and the blob digest Ollama knows it by.
struct DeployFile
{
    ManifestEntry entry;
    QString digest; // sha256:<lowercase hex>
};

// What the pre-flight decided: go on (error empty) with this normalized request, or stop with an error a user can
// act on. Warnings are reported either way.
struct PreflightDecision
{
    QString error;
    std::vector<QString> warnings;
    DeployRequest request;         // quantize in its canonical spelling, deprecated parameters dropped
    std::vector<DeployFile> files; // the files Ollama's own client would send, in manifest order
    CreateApi createApi = CreateApi::Unknown;
    std::optional<OllamaVersion> version; // once the server's version is known (invalid when it is no version)
    DeployFormat format = DeployFormat::Safetensors; // once the server's version is known (DeployFormatChooser)
    QString formatReason;
    bool replacesExisting = false; // checkCollision: the server has the name and the request says replace

    bool ok() const { return error.isEmpty(); }
};

// The deploy's decisions that need no network and no disk: pure functions from what is known to a decision. A
// deploy runs checkRequest() before it opens a connection and checkServer() once /api/version has answered. A new
// rule goes into one of the two as one more step; the table in tests/core/ollama/DeployPreflightTest.cpp holds a
// row for each case.
class DeployPreflight
{
public:
    // The request on its own: server URL, quantization, Ollama name, template, typed parameters, messages, and the
    // manifest (weights present, relative paths, valid SHA-256s).
    static PreflightDecision checkRequest(const DeployRequest& request);

    // What this server can take, from its /api/version text: the create API generation (too old is an error that
    // asks for an upgrade) and the format the weights go in (DeployFormatChooser: refused before any upload when
    // neither the server's converter nor the GGUF export takes the architecture, or the asked format cannot work).
    // serverDisplay names the server in messages. `decision` must be ok().
    static PreflightDecision checkServer(PreflightDecision decision, const std::string& versionText,
                                         const QString& serverDisplay);

    // The name against the server's models (`tags`: the /api/tags body) and our records, before any blob request:
    // a generated name that is taken gets a fresh deploy suffix (a warning says so); a typed one the server has is
    // an error naming the server and the model unless request.replaceExisting (then replacesExisting is set); a
    // name another deploy is creating is an error. `decision` must be ok().
    static PreflightDecision checkCollision(PreflightDecision decision, const nlohmann::json& tags,
                                            const QString& serverDisplay);

    // The create API generation of a version; an invalid version counts as current (JsonFiles).
    static CreateApi createApiOf(const OllamaVersion& version);

    // The quantize choices we offer: no_quantization, q8_0, q4_K_M, q4_K_S (any case in, canonical spelling out);
    // nullopt for anything else.
    static std::optional<std::string> canonicalQuantize(const std::string& quantize);

    // The files Ollama's own client sends for a model directory (parser/parser.go filesForModel), chosen from the
    // manifest: the weights of the first matching kind (model*.safetensors, also one folder down;
    // consolidated*.safetensors; pytorch_model*.bin; consolidated*.pth; *.gguf; *.bin), every *.json at the root
    // and one folder down except model_card.json, and tokenizer.model and chat_template.jinja.
    static std::vector<ManifestEntry> selectFiles(const std::vector<ManifestEntry>& manifest);
};

} // namespace deepext::ollama
