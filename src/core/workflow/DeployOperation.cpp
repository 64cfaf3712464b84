#include "deepext/workflow/DeployOperation.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/base/Error.h"
#include "deepext/base/JobRunner.h"
#include "deepext/base/Logging.h"
#include "deepext/base/Naming.h"
#include "deepext/base/OperationLock.h"
#include "deepext/base/Sha256.h"
#include "deepext/base/Uuid.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/ModelCard.h"
#include "deepext/gguf/GgufArchitecture.h"
#include "deepext/gguf/GgufExporter.h"
#include "deepext/ollama/DeployFormatChooser.h"
#include "deepext/ollama/Deployer.h"
#include "deepext/ollama/DeploymentTemplate.h"
#include "deepext/ollama/ModelfileParser.h"
#include "deepext/ollama/OllamaHost.h"
#include "deepext/ollama/OllamaName.h"
#include "deepext/workflow/GgufDeployFile.h"
#include "deepext/workflow/ModelRegistration.h"
#include "deepext/workflow/ServerChoice.h"

#include <QCoreApplication>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace deepext {

namespace {

// The snapshot's text, checked against the SHA-256 the card recorded: a changed snapshot would deploy differently.
std::string readTemplateSnapshot(const std::string& modelDirectory, const DeploymentTemplateSnapshot& snapshot)
{
    const std::string path = modelDirectory + "/" + snapshot.file;
    if (!naming::isSafePathComponent(snapshot.file) || !fs::is_regular_file(fs::symlink_status(path))) {
        throw Error("the template snapshot " + path +
                    " listed in the model card is missing; deploy with "
                    "--template-from base or --template FILE");
    }
    std::string text = readWholeFile(path);
    Sha256 hasher;
    hasher.update(text.data(), text.size());
    if (hasher.finalHex() != snapshot.sha256) {
        throw Error("the template snapshot " + path +
                    " differs from the one recorded in the model card (SHA-256); "
                    "run 'deepext-cli verify', or deploy with --template-from base or --template FILE");
    }
    return text;
}

void releaseLock(OperationLock& lock)
{
    lock.unlock();
    std::error_code ec;
    fs::remove(lock.path(), ec);
}

} // namespace

DeployOperation::DeployOperation(const Workspace& workspace, QNetworkAccessManager* network, JobRunner* runner,
                                 QObject* parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_network(network)
    , m_inlineRunner(runner ? nullptr : std::make_unique<JobRunner>(JobRunner::Mode::Inline))
    , m_runner(runner ? runner : m_inlineRunner.get())
{
}

DeployOperation::~DeployOperation()
{
    m_ggufCancel->store(true); // m_ggufRunner's destructor then waits only for the export to stop
}

ResolvedDeployment DeployOperation::resolve(const Workspace& workspace, const std::string& savedName,
                                            const DeployOptions& options)
{
    ResolvedDeployment resolved;
    if (!workspace.savedModelExists(savedName)) {
        throw Error("no saved model named '" + savedName + "' (see 'deepext-cli list')");
    }
    resolved.savedName = savedName;
    resolved.modelDirectory = workspace.savedModelPath(savedName);
    const ModelCard card = ModelCard::load(resolved.modelDirectory);
    resolved.files = card.files;
    if (resolved.files.empty()) {
        throw Error("the model card of " + savedName + " has no file manifest, so its files cannot be uploaded");
    }

    const auto quantize = ollama::Deployer::canonicalQuantize(options.quantization);
    if (!quantize) {
        throw Error::usage("--quantize " + options.quantization +
                           " is not supported; choose no_quantization, q8_0, q4_K_M or q4_K_S");
    }
    resolved.quantization = *quantize;
    const auto format = ollama::DeployFormatChooser::fromName(options.format);
    if (!format) {
        throw Error::usage("--format " + options.format + " is not supported; choose auto, safetensors or gguf");
    }
    resolved.format = ollama::DeployFormatChooser::name(*format);
    resolved.ggufType = gguf::ggufExportTypeName(gguf::ggufExportTypeFromName(options.ggufType));
    if (resolved.ggufType == "q8_0" && resolved.quantization != "no_quantization") {
        // Ollama quantizes only F16, BF16 and F32 GGUF files (ollama-api.md §4.6).
        throw Error::usage("--quantize " + resolved.quantization +
                           " needs a float GGUF file: Ollama quantizes only f16, bf16 and f32; use --gguf-type auto "
                           "(or f16, bf16, f32), or --quantize no_quantization with --gguf-type q8_0");
    }

    // Where to: an environment by name, a URL, the default environment, else OLLAMA_HOST / 127.0.0.1:11434.
    if (options.environment.empty() && !options.url.empty()) {
        QString warning;
        resolved.serverUrl =
            ollama::OllamaHost::connectable(QString::fromStdString(options.url), &warning).toString().toStdString();
        if (!warning.isEmpty()) {
            resolved.warnings.push_back(warning.toStdString());
        }
    } else {
        const ServerChoice server = ServerChoice::resolve(workspace, options.environment);
        resolved.environment = server.environment();
        resolved.serverUrl = server.url();
        resolved.caFile = server.caFile();
        resolved.warnings.insert(resolved.warnings.end(), server.warnings().begin(), server.warnings().end());
    }

    // Our records for this server: a generated name avoids all of them; a name being created is never reused.
    for (const auto& record : workspace.deployments()) {
        if (record.url != resolved.serverUrl) {
            continue;
        }
        resolved.recordedNames.push_back(record.ollamaName);
        if (record.status == DeploymentStatus::Deploying) {
            resolved.busyNames.push_back(record.ollamaName);
        }
    }
    resolved.replaceExisting = options.replaceExisting;

    if (options.ollamaName.empty()) {
        const auto unique = naming::drawUniqueName(
            [&](const std::string& uuid) { return naming::deployedName(savedName, uuid, resolved.quantization); },
            [&](const std::string& name) {
                return std::any_of(
                    resolved.recordedNames.begin(), resolved.recordedNames.end(),
                    [&](const std::string& other) { return ollama::OllamaName::sameModel(other, name); });
            });
        resolved.ollamaName = unique.name;
        resolved.deployUuid = unique.uuid;
        resolved.nameGenerated = true;
        if (const std::string problem = ollama::OllamaName::validationError(resolved.ollamaName); !problem.empty()) {
            throw Error("the generated Ollama name " + resolved.ollamaName + " is not valid (" + problem +
                        "); give one with --name");
        }
    } else {
        resolved.deployUuid = newUuidV4();
        resolved.ollamaName = options.ollamaName;
        if (const std::string problem = ollama::OllamaName::validationError(resolved.ollamaName); !problem.empty()) {
            throw Error::usage("'" + resolved.ollamaName + "' is not a valid Ollama model name: " + problem);
        }
    }

    // The template: --template FILE, else the snapshot taken at save time, else (or when asked) the base model's
    // Deployment Template File as registered now.
    std::string templateText;
    if (!options.templateFile.empty()) {
        templateText = ModelRegistration::readTemplateFile(options.templateFile);
        resolved.templateSource = fs::absolute(options.templateFile).lexically_normal().string();
    } else if (options.templateFrom == TemplateFrom::Snapshot && card.deploymentTemplate) {
        templateText = readTemplateSnapshot(resolved.modelDirectory, *card.deploymentTemplate);
        resolved.templateSource = "the snapshot " + card.deploymentTemplate->file + " of " + savedName +
                                  " (captured at save time from base model " +
                                  card.deploymentTemplate->baseTechnicalName + ")";
        // The dialog offers the base's current one (--template-from base) when it has changed since the save.
        if (const auto base = workspace.findBaseModel(card.base.technicalName);
            base && !base->templateText.empty() && base->templateText != templateText) {
            resolved.baseTemplateDiffers = true;
        }
    } else {
        const auto base = workspace.findBaseModel(card.base.technicalName);
        if (options.templateFrom == TemplateFrom::Base && !base) {
            throw Error("cannot deploy " + savedName + " with its base model's template: the base model '" +
                        card.base.technicalName +
                        "' is no longer registered; deploy with its snapshot "
                        "(--template-from snapshot) or pass --template FILE");
        }
        if (base && !base->templateText.empty()) {
            templateText = base->templateText;
            resolved.templateSource = "base model " + base->technicalName + " (" + base->templateSource + ")";
            if (options.templateFrom == TemplateFrom::Snapshot) {
                resolved.warnings.push_back(savedName +
                                            " has no template snapshot (saved before snapshots, or its "
                                            "base had no Deployment Template File then); using the base model's "
                                            "current one");
            }
        }
    }
    if (!templateText.empty()) {
        const auto parsed = ollama::DeploymentTemplate::parse(templateText);
        if (parsed.templateText) {
            resolved.templateText = *parsed.templateText;
        }
        if (parsed.system) {
            resolved.system = *parsed.system;
        }
        resolved.parameters = parsed.parameters;
        for (const auto& line : parsed.license) {
            resolved.license += (resolved.license.empty() ? "" : "\n") + line;
        }
        resolved.messages = parsed.messages;
        for (const auto& warning : parsed.warnings) {
            resolved.warnings.push_back(resolved.templateSource + ": " + warning);
        }
    }
    if (resolved.templateText.empty() && !options.autodetectTemplate) {
        const std::string base = card.base.technicalName.empty() ? std::string("its base model")
                                                                 : "the base model " + card.base.technicalName;
        throw Error("no prompt template to deploy " + savedName + " with: " + base +
                    " has no Deployment Template File. Add one with 'deepext-cli base set-template " +
                    (card.base.technicalName.empty() ? std::string("TECH") : card.base.technicalName) +
                    " FILE', pass --template FILE, or let Ollama detect it with --autodetect-template");
    }

    // The user's --system and --param go over the template file's.
    if (!options.system.empty()) {
        resolved.system = options.system;
    }
    nlohmann::json userParameters = nlohmann::json::object();
    for (const auto& assignment : options.parameters) {
        const auto typed = ollama::ModelfileParser::parseParameterAssignment(assignment);
        if (!typed.warning.empty()) {
            resolved.warnings.push_back(typed.warning);
        }
        if (!typed.value.is_null()) {
            ollama::ModelfileParser::addParameter(userParameters, typed.key, typed.value);
        }
    }
    for (const auto& [key, value] : userParameters.items()) {
        resolved.parameters[key] = value;
    }

    try {
        const auto config = nlohmann::json::parse(readWholeFile(resolved.modelDirectory + "/config.json"));
        if (auto it = config.find("architectures");
            it != config.end() && it->is_array() && !it->empty() && (*it)[0].is_string()) {
            resolved.architecture = (*it)[0].get<std::string>();
        }
    } catch (const std::exception&) {
        resolved.warnings.push_back("config.json of " + savedName + " cannot be read; the architecture is unknown");
    }
    return resolved;
}

void DeployOperation::start(const std::string& savedName, const DeployOptions& options)
{
    m_record.savedModel = savedName;
    m_starting = true;
    // resolve() reads the card and the registries: a job like every other disk read.
    m_runner->run(
        this, [workspace = m_workspace, savedName, options] { return resolve(workspace, savedName, options); },
        [this, autodetect = options.autodetectTemplate](JobOutcome<ResolvedDeployment> outcome) {
            if (!outcome.ok()) {
                refuse(outcome.failure.message.toStdString(), outcome.failure.details.toStdString());
                return;
            }
            start(*outcome.value, autodetect);
        });
}

void DeployOperation::start(const ResolvedDeployment& resolved, bool autodetectTemplate)
{
    for (const auto& warningText : resolved.warnings) {
        QTimer::singleShot(0, this, [this, warningText] { emit warning(QString::fromStdString(warningText)); });
    }

    m_record.uuid = resolved.deployUuid;
    m_record.ollamaName = resolved.ollamaName;
    m_record.savedModel = resolved.savedName;
    m_record.environment = resolved.environment;
    m_record.url = resolved.serverUrl;
    m_record.quantization = resolved.quantization;
    m_record.status = DeploymentStatus::Deploying;
    m_record.startedAt = isoNowUtc();
    m_record.pid = QCoreApplication::applicationPid();
    m_lock = std::make_shared<OperationLock>(m_workspace.deployLockPath(m_record.uuid));
    m_starting = true;

    // The lock and the "deploying" record come first, off the event loop: registry.lock may be held by another
    // process for up to its time-out.
    enum class Start
    {
        Written,
        LockHeld,
    };
    m_runner->run(
        this,
        [workspace = m_workspace, record = m_record, lock = m_lock] {
            if (!lock->tryLock(0)) {
                return Start::LockHeld;
            }
            if (const auto failure = catchFailure([&] { workspace.upsertDeployment(record); })) {
                releaseLock(*lock);
                throw Error(failure->message.toStdString(), failure->details.toStdString());
            }
            return Start::Written;
        },
        [this, resolved, autodetectTemplate](JobOutcome<Start> outcome) {
            if (!outcome.ok()) {
                refuse("the deploy of " + resolved.savedName +
                           " did not start: its deployment record could not be written: " +
                           outcome.failure.message.toStdString(),
                       outcome.failure.details.toStdString());
                return;
            }
            if (*outcome.value == Start::LockHeld) {
                refuse("the deploy of " + resolved.savedName + " as " + resolved.ollamaName +
                       " did not start: its deploy lock " + m_lock->path() +
                       " is held by another process (a deploy with the same UUID is running). Deploy again to draw "
                       "a new UUID.");
                return;
            }
            m_starting = false;
            logging::net()->info("deploying {} to {} as {}", resolved.savedName,
                                 ollama::OllamaHost::display(m_record.url).toStdString(), m_record.ollamaName);
            if (m_cancelRequested) {
                finish(DeploymentStatus::Cancelled, "the deploy was cancelled", {});
                return;
            }
            launch(resolved, autodetectTemplate);
        });
}

void DeployOperation::launch(const ResolvedDeployment& resolved, bool autodetectTemplate)
{
    ollama::DeployRequest request;
    request.serverUrl = QString::fromStdString(resolved.serverUrl);
    request.caFile = QString::fromStdString(resolved.caFile);
    request.modelDirectory = QString::fromStdString(resolved.modelDirectory);
    request.files = resolved.files;
    request.ollamaName = resolved.ollamaName;
    request.quantize = resolved.quantization;
    if (!resolved.templateText.empty()) {
        request.templateText = resolved.templateText;
    }
    if (!resolved.system.empty()) {
        request.system = resolved.system;
    }
    request.parameters = resolved.parameters;
    if (!resolved.license.empty()) {
        request.license = {resolved.license};
    }
    request.messages = resolved.messages;
    request.autodetectTemplate = autodetectTemplate;
    request.architecture = resolved.architecture;
    request.format = ollama::DeployFormatChooser::fromName(resolved.format).value_or(ollama::DeployFormat::Auto);
    for (const auto& architecture : gguf::GgufArchitecture::supported()) {
        request.ggufArchitectures.push_back(architecture.hfName);
    }
    request.replaceExisting = resolved.replaceExisting;
    request.generatedFrom = resolved.nameGenerated ? resolved.savedName : std::string();
    request.recordedNames = resolved.recordedNames;
    request.busyNames = resolved.busyNames;

    m_deployer = std::make_unique<ollama::Deployer>(m_network);
    m_deployer->setTimeouts(m_timeouts);
    connect(m_deployer.get(), &ollama::Deployer::phaseChanged, this,
            [this](ollama::Deployer::Phase phase) { emit phaseChanged(ollama::Deployer::phaseName(phase)); });
    connect(m_deployer.get(), &ollama::Deployer::progress, this, &DeployOperation::progressChanged);
    connect(m_deployer.get(), &ollama::Deployer::statusLine, this, &DeployOperation::statusLine);
    connect(m_deployer.get(), &ollama::Deployer::warning, this, &DeployOperation::warning);
    connect(m_deployer.get(), &ollama::Deployer::finished, this, &DeployOperation::onDeployerFinished);
    connect(m_deployer.get(), &ollama::Deployer::ggufNeeded, this, [this, resolved] { prepareGguf(resolved); });
    m_deployer->start(std::move(request));
}

void DeployOperation::prepareGguf(const ResolvedDeployment& resolved)
{
    if (!m_ggufRunner) {
        m_ggufRunner = std::make_unique<JobRunner>(JobRunner::Mode::Background);
    }
    const QPointer<QObject> self(this);
    JobRunner* runner = m_ggufRunner.get();
    m_ggufRunner->run(
        this,
        [runner, self, cancel = m_ggufCancel, directory = resolved.modelDirectory,
         cardLock = m_workspace.layout().cardLockPath(resolved.savedName), type = resolved.ggufType] {
            return GgufDeployFile::prepare(
                directory, cardLock, gguf::ggufExportTypeFromName(type),
                [runner, self](const MergeProgress& progress) {
                    runner->post(self, [self, progress] {
                        if (auto* operation = qobject_cast<DeployOperation*>(self.data())) {
                            emit operation->progressChanged(static_cast<qint64>(progress.bytesDone),
                                                            static_cast<qint64>(progress.bytesTotal));
                        }
                    });
                },
                *cancel);
        },
        [this](JobOutcome<GgufDeployFile::Prepared> outcome) {
            if (!m_deployer) {
                return;
            }
            if (!outcome.ok()) {
                m_deployer->ggufFailed(outcome.failure.message, outcome.failure.details);
                return;
            }
            const ManifestEntry& entry = outcome.value->entry;
            emit statusLine(QString::fromStdString((outcome.value->reused ? "using the saved " : "wrote ") +
                                                   entry.path + " (" + std::to_string(entry.size) + " bytes)"));
            m_deployer->useGguf(entry);
        });
}

void DeployOperation::cancel()
{
    m_ggufCancel->store(true);
    if (m_deployer && m_deployer->isRunning()) {
        m_deployer->cancel();
    } else if (m_starting) {
        m_cancelRequested = true; // honoured once the first record write is done
    }
}

void DeployOperation::onDeployerFinished(const ollama::DeployOutcome& outcome)
{
    m_record.modelDigest = outcome.modelDigest;
    m_record.format = outcome.format;
    if (!outcome.modelName.empty()) {
        m_record.ollamaName = outcome.modelName; // a generated name redrawn after a collision
    }
    m_record.replacedExisting = outcome.replacedExisting;
    switch (outcome.status) {
    case ollama::DeployOutcome::Status::Deployed:
        finish(DeploymentStatus::Deployed, outcome.message, {});
        break;
    case ollama::DeployOutcome::Status::Cancelled:
        finish(DeploymentStatus::Cancelled, "the deploy was cancelled", {});
        break;
    case ollama::DeployOutcome::Status::Failed:
        finish(DeploymentStatus::Failed, outcome.message, outcome.details);
        break;
    }
}

void DeployOperation::refuse(const std::string& message, const std::string& details)
{
    m_starting = false;
    if (m_finished) {
        return;
    }
    m_finished = true;
    logging::net()->warn("deploy of {} refused: {}", m_record.savedModel, message);
    // From the event loop, so a caller that connects after start() (or runs its loop after it) still hears it.
    QTimer::singleShot(0, this, [this, message, details] {
        emit finished(false, QString::fromStdString(message), QString::fromStdString(details));
    });
}

void DeployOperation::finish(DeploymentStatus status, const std::string& message, const std::string& details)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    m_record.status = status;
    m_record.message = status == DeploymentStatus::Deployed ? std::string() : message;
    m_record.endedAt = isoNowUtc();
    m_record.presentOnServer = status == DeploymentStatus::Deployed;
    // The lock is released only after the final record is written (or could not be): a crash in between reads
    // "interrupted", never a deploy that looks alive. The job releases it even when this object is gone by then.
    m_runner->run(
        this,
        [workspace = m_workspace, record = m_record, lock = m_lock] {
            const auto failure = catchFailure([&] { workspace.upsertDeployment(record); });
            if (lock) {
                releaseLock(*lock);
            }
            if (failure) {
                throw Error(failure->message.toStdString(), failure->details.toStdString());
            }
        },
        [this, status, message, details](JobOutcome<std::monostate> outcome) {
            if (!outcome.ok()) {
                logging::net()->error("cannot update the deployment record {}: {}", m_record.uuid,
                                      outcome.failure.message.toStdString());
                emit warning(tr("The deployment record of %1 could not be updated (%2); it may read \"interrupted\".")
                                 .arg(QString::fromStdString(m_record.ollamaName), outcome.failure.message));
            }
            const std::string name(deploymentStatusName(status));
            logging::net()->info("deploy of {} as {} ended: {} {}", m_record.savedModel, m_record.ollamaName, name,
                                 message);
            emit finished(status == DeploymentStatus::Deployed, QString::fromStdString(message),
                          QString::fromStdString(details));
        });
}

} // namespace deepext
