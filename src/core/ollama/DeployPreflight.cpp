#include "deepext/ollama/DeployPreflight.h"

#include "deepext/base/Error.h"
#include "deepext/base/Naming.h"
#include "deepext/ollama/DeployFormatChooser.h"
#include "deepext/ollama/ModelfileParser.h"
#include "deepext/ollama/OllamaClient.h"
#include "deepext/ollama/OllamaName.h"

#include <QUrl>

#include <algorithm>
#include <array>
#include <cctype>

namespace deepext::ollama {
namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// filepath.Match for the few patterns Ollama's client uses: '*' within one path element, literal otherwise.
bool globMatch(const std::string& pattern, const std::string& text)
{
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t starP = std::string::npos;
    std::size_t starT = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            starP = p++;
            starT = t;
        } else if (p < pattern.size() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (starP != std::string::npos && text[starT] != '/') {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') {
        ++p;
    }
    return p == pattern.size();
}

// io/fs.ValidPath: what /api/create accepts as a files key.
bool isValidRelativePath(const std::string& path)
{
    if (path.empty() || path.front() == '/' || path.back() == '/') {
        return false;
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) {
            end = path.size();
        }
        const std::string element = path.substr(start, end - start);
        if (element.empty() || element == "." || element == ".." || element.find('\\') != std::string::npos) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

bool hasTemplateText(const DeployRequest& r)
{
    return r.templateText && r.templateText->find_first_not_of(" \t\r\n") != std::string::npos;
}

// Each check returns false after setting decision.error; they run in this order and the first error stops.
bool checkServerUrl(PreflightDecision& decision)
{
    const QUrl url(decision.request.serverUrl, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QStringLiteral("http") && scheme != QStringLiteral("https"))) {
        decision.error =
            QStringLiteral("\"%1\" is not a usable Ollama server URL; expected http://host:port or https://host:port.")
                .arg(decision.request.serverUrl);
        return false;
    }
    return true;
}

bool checkQuantize(PreflightDecision& decision)
{
    const auto quantize = DeployPreflight::canonicalQuantize(decision.request.quantize);
    if (!quantize) {
        decision.error =
            QStringLiteral("Quantization \"%1\" is not supported; choose no_quantization, q8_0, q4_K_M or q4_K_S.")
                .arg(q(decision.request.quantize));
        return false;
    }
    decision.request.quantize = *quantize;
    return true;
}

bool checkName(PreflightDecision& decision)
{
    if (const std::string error = OllamaName::validationError(decision.request.ollamaName); !error.empty()) {
        decision.error = q(error).left(1).toUpper() + q(error).mid(1) + QLatin1Char('.');
        return false;
    }
    return true;
}

bool checkTemplate(PreflightDecision& decision)
{
    const DeployRequest& r = decision.request;
    if (!hasTemplateText(r) && !r.autodetectTemplate) {
        decision.error =
            QStringLiteral("There is no prompt template for %1: its base model has no Deployment Template File. Add "
                           "one to the base model (deepext-cli base set-template TECH FILE, or Update Deployment "
                           "Template File in the window), give one for this deploy (--template FILE), or let Ollama "
                           "detect the template from tokenizer_config.json (--autodetect-template).")
                .arg(q(r.ollamaName));
        return false;
    }
    return true;
}

bool checkParameters(PreflightDecision& decision)
{
    if (!decision.request.parameters.is_object()) {
        decision.error = QStringLiteral("The deploy parameters must be a JSON object of name: value.");
        return false;
    }
    nlohmann::json parameters = nlohmann::json::object();
    for (const auto& [key, value] : decision.request.parameters.items()) {
        if (ModelfileParser::isDeprecatedParameter(key)) {
            decision.warnings.push_back(
                QStringLiteral("Parameter %1 is deprecated in Ollama and is not sent.").arg(q(key)));
            continue;
        }
        if (const std::string error = ModelfileParser::typedValueError(key, value); !error.empty()) {
            decision.error = QStringLiteral("Invalid deploy parameter: %1.").arg(q(error));
            return false;
        }
        parameters[key] = value;
    }
    decision.request.parameters = parameters;
    return true;
}

bool checkMessages(PreflightDecision& decision)
{
    if (!decision.request.messages.is_array()) {
        decision.error = QStringLiteral("The deploy messages must be a JSON array of {role, content}.");
        return false;
    }
    return true;
}

bool checkManifest(PreflightDecision& decision)
{
    const DeployRequest& r = decision.request;
    const std::vector<ManifestEntry> files = DeployPreflight::selectFiles(r.files);
    const bool hasWeights = std::any_of(files.begin(), files.end(), [](const ManifestEntry& e) {
        return globMatch("*.safetensors", e.path) || globMatch("*/*.safetensors", e.path) ||
               globMatch("*.gguf", e.path);
    });
    if (!hasWeights) {
        decision.error = QStringLiteral("The model in %1 has no weight files Ollama can import (model*.safetensors or "
                                        "*.gguf in its manifest).")
                             .arg(r.modelDirectory);
        return false;
    }
    for (const ManifestEntry& entry : files) {
        if (!isValidRelativePath(entry.path)) {
            decision.error =
                QStringLiteral("The model card lists \"%1\", which is not a relative path inside the model.")
                    .arg(q(entry.path));
            return false;
        }
        const auto digest = OllamaClient::blobDigest(entry.sha256);
        if (!digest) {
            decision.error = QStringLiteral("The model card has no valid SHA-256 for %1 (\"%2\"); verify the saved "
                                            "model.")
                                 .arg(q(entry.path), q(entry.sha256));
            return false;
        }
        decision.files.push_back({entry, *digest});
    }
    return true;
}

bool checkCreateApi(PreflightDecision& decision, const std::string& versionText, const QString& server)
{
    const OllamaVersion& version = *decision.version;
    decision.createApi = DeployPreflight::createApiOf(version);
    if (!version.isValid()) {
        decision.warnings.push_back(QStringLiteral("Ollama at %1 reports the version \"%2\", which is not a version "
                                                   "number; continuing as if it were current.")
                                        .arg(server, q(versionText)));
    } else if (decision.createApi == CreateApi::Modelfile) {
        decision.error = QStringLiteral("Ollama at %1 is version %2, too old to deploy to: deploying needs Ollama "
                                        "0.5.5 or later. Upgrade Ollama and try again.")
                             .arg(server, q(versionText));
        return false;
    }
    return true;
}

bool checkFormat(PreflightDecision& decision, const std::string& versionText, const QString& server)
{
    const DeployRequest& r = decision.request;
    FormatDecision format = DeployFormatChooser::choose(r.format, *decision.version, versionText, r.architecture,
                                                        r.ggufArchitectures, server);
    for (QString& warning : format.warnings) {
        decision.warnings.push_back(std::move(warning));
    }
    if (!format.ok()) {
        decision.error = format.error;
        return false;
    }
    decision.format = format.format;
    decision.formatReason = format.reason;
    return true;
}

} // namespace

PreflightDecision DeployPreflight::checkRequest(const DeployRequest& request)
{
    PreflightDecision decision;
    decision.request = request;
    for (const auto check :
         {checkServerUrl, checkQuantize, checkName, checkTemplate, checkParameters, checkMessages, checkManifest}) {
        if (!check(decision)) {
            decision.files.clear();
            break;
        }
    }
    return decision;
}

PreflightDecision DeployPreflight::checkServer(PreflightDecision decision, const std::string& versionText,
                                               const QString& serverDisplay)
{
    decision.version = OllamaVersion::parse(versionText);
    if (!checkCreateApi(decision, versionText, serverDisplay) || !checkFormat(decision, versionText, serverDisplay)) {
        decision.files.clear();
    }
    return decision;
}

PreflightDecision DeployPreflight::checkCollision(PreflightDecision decision, const nlohmann::json& tags,
                                                  const QString& serverDisplay)
{
    DeployRequest& request = decision.request;
    const std::vector<std::string> onServer = OllamaCall::modelNames(tags);
    auto among = [](const std::vector<std::string>& names, const std::string& name) {
        return std::any_of(names.begin(), names.end(),
                           [&](const std::string& other) { return OllamaName::sameModel(other, name); });
    };
    const std::string shown = OllamaName::displayForm(request.ollamaName);

    if (!request.generatedFrom.empty()) {
        auto taken = [&](const std::string& name) {
            return among(onServer, name) || among(request.recordedNames, name) || among(request.busyNames, name);
        };
        if (taken(request.ollamaName)) {
            const std::string previous = request.ollamaName;
            try {
                request.ollamaName = naming::drawUniqueName(
                                         [&](const std::string& uuid) {
                                             return naming::deployedName(request.generatedFrom, uuid, request.quantize);
                                         },
                                         taken)
                                         .name;
            } catch (const Error& error) {
                decision.error = QStringLiteral("No free name for %1 on Ollama at %2: %3 Give one with --name.")
                                     .arg(q(request.generatedFrom), serverDisplay, q(error.message()));
                decision.files.clear();
                return decision;
            }
            decision.warnings.push_back(QStringLiteral("%1 is already taken on Ollama at %2; deploying as %3 instead.")
                                            .arg(q(previous), serverDisplay, q(request.ollamaName)));
        }
        return decision;
    }

    if (among(request.busyNames, request.ollamaName)) {
        decision.error = QStringLiteral("Another deploy is creating %1 on Ollama at %2 right now; wait for it to end "
                                        "or choose another name.")
                             .arg(q(shown), serverDisplay);
    } else if (among(onServer, request.ollamaName)) {
        if (request.replaceExisting) {
            decision.replacesExisting = true;
        } else {
            decision.error = QStringLiteral("Ollama at %1 already has a model named %2; deploying would replace it. "
                                            "Choose another name, or pass --replace to replace it.")
                                 .arg(serverDisplay, q(shown));
        }
    }
    if (!decision.ok()) {
        decision.files.clear();
    }
    return decision;
}

CreateApi DeployPreflight::createApiOf(const OllamaVersion& version)
{
    if (!version.isValid() || version.supportsJsonCreate()) {
        return CreateApi::JsonFiles;
    }
    return CreateApi::Modelfile;
}

std::optional<std::string> DeployPreflight::canonicalQuantize(const std::string& quantize)
{
    for (const char* choice : {"no_quantization", "q8_0", "q4_K_M", "q4_K_S"}) {
        if (lower(quantize) == lower(choice)) {
            return std::string(choice);
        }
    }
    return std::nullopt;
}

std::vector<ManifestEntry> DeployPreflight::selectFiles(const std::vector<ManifestEntry>& manifest)
{
    // The official client's order of preference for weights (parser/parser.go filesForModel).
    const std::array<std::vector<const char*>, 6> weightKinds{{
        {"model*.safetensors", "*/model*.safetensors"},
        {"consolidated*.safetensors"},
        {"pytorch_model*.bin"},
        {"consolidated*.pth"},
        {"*.gguf"},
        {"*.bin"},
    }};
    auto matchesAny = [](const std::vector<const char*>& patterns, const std::string& path) {
        return std::any_of(patterns.begin(), patterns.end(), [&](const char* p) { return globMatch(p, path); });
    };
    std::vector<ManifestEntry> selected;
    for (const auto& kind : weightKinds) {
        for (const ManifestEntry& entry : manifest) {
            if (matchesAny(kind, entry.path)) {
                selected.push_back(entry);
            }
        }
        if (!selected.empty()) {
            break;
        }
    }
    const std::vector<const char*> extras{"*.json", "*/*.json", "tokenizer.model", "chat_template.jinja"};
    for (const ManifestEntry& entry : manifest) {
        if (entry.path == "model_card.json" || !matchesAny(extras, entry.path)) {
            continue;
        }
        const bool already =
            std::any_of(selected.begin(), selected.end(), [&](const ManifestEntry& s) { return s.path == entry.path; });
        if (!already) {
            selected.push_back(entry);
        }
    }
    return selected;
}

} // namespace deepext::ollama
