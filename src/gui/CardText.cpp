#include "gui/CardText.h"

#include "deepext/base/Records.h"
#include "deepext/base/Workspace.h"
#include "deepext/card/AdapterFacts.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"
#include "deepext/card/TrainingFacts.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

namespace deepext::gui {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("CardText", text);
}

QString q(const std::string& text)
{
    return QString::fromStdString(text);
}

// Markdown table cells must not break the table.
QString cell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
}

QString jsonText(const nlohmann::json& value)
{
    if (value.is_string()) {
        return q(value.get<std::string>());
    }
    if (value.is_array()) {
        QStringList parts;
        for (const auto& item : value) {
            parts << jsonText(item);
        }
        return parts.join(QStringLiteral(", "));
    }
    if (value.is_number_unsigned() || value.is_number_integer()) {
        return QLocale::c().toString(value.get<qint64>());
    }
    return q(value.dump());
}

void row(QStringList& out, const QString& key, const QString& value)
{
    if (!value.isEmpty()) {
        out << QStringLiteral("| %1 | %2 |").arg(cell(key), cell(value));
    }
}

template <typename T>
QString opt(const std::optional<T>& value)
{
    if (!value) {
        return {};
    }
    if constexpr (std::is_same_v<T, std::string>) {
        return q(*value);
    } else if constexpr (std::is_same_v<T, bool>) {
        return *value ? tr("yes") : tr("no");
    } else {
        return QString::number(*value);
    }
}

QString list(const std::vector<std::string>& items)
{
    QStringList parts;
    for (const auto& item : items) {
        parts << q(item);
    }
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString CardText::savedModel(const Workspace& workspace, const std::string& savedName)
{
    const ModelCard card = ModelCard::load(workspace.savedModelPath(savedName));
    std::vector<DeploymentSummary> deployments;
    for (const DeploymentRecord& record : workspace.deployments()) {
        if (record.savedModel != savedName) {
            continue;
        }
        deployments.push_back({record.ollamaName, record.environment.empty() ? record.url : record.environment,
                               record.quantization, record.status,
                               record.endedAt.empty() ? record.startedAt : record.endedAt});
    }
    return q(ModelCardRenderer::markdown(card, deployments));
}

QString CardText::trainedModel(const TrainedModelRecord& record)
{
    QStringList md;
    md << QStringLiteral("# %1").arg(q(record.name)) << QString();
    md << QStringLiteral("| | |") << QStringLiteral("|---|---|");
    row(md, tr("Train name"), q(record.trainName));
    row(md, tr("Base model"), q(record.baseTechnicalName));
    row(md, tr("Adapter folder"), q(record.adapterPath));
    row(md, tr("Registered"), q(record.createdAt));
    row(md, tr("UUID"), q(record.uuid));
    md << QString();

    const AdapterFacts adapter = AdapterFacts::read(record.adapterPath);
    md << QStringLiteral("## %1").arg(tr("Adapter configuration")) << QString();
    if (!adapter.configFound) {
        md << tr("adapter_config.json was not found in the adapter folder.") << QString();
    } else {
        md << QStringLiteral("| | |") << QStringLiteral("|---|---|");
        row(md, tr("PEFT type"), opt(adapter.peftType));
        row(md, tr("Task type"), opt(adapter.taskType));
        row(md, tr("Rank (r)"), opt(adapter.r));
        row(md, tr("Alpha"), opt(adapter.loraAlpha));
        row(md, tr("rsLoRA"), opt(adapter.useRslora));
        row(md, tr("DoRA"), opt(adapter.useDora));
        row(md, tr("Target modules"),
            adapter.targetModules ? list(*adapter.targetModules) : opt(adapter.targetModulesPattern));
        row(md, tr("Modules to save"), adapter.modulesToSave ? list(*adapter.modulesToSave) : QString());
        row(md, tr("Dropout"), opt(adapter.loraDropout));
        row(md, tr("Trained on"), opt(adapter.baseModelNameOrPath));
        row(md, tr("Weights"), list(adapter.weightFiles));
        md << QString();
    }

    const TrainingFacts training = TrainingFacts::read(record.adapterPath);
    md << QStringLiteral("## %1").arg(tr("Training")) << QString();
    if (training.sources.empty()) {
        md << tr("No training records (trainer_state.json, all_results.json, training_args.yaml, ...) were found "
                 "beside the adapter.")
           << QString();
    } else {
        md << QStringLiteral("| | |") << QStringLiteral("|---|---|");
        row(md, tr("Sources"), list(training.sources));
        if (const auto& state = training.trainerState) {
            row(md, tr("Epochs"), opt(state->epoch));
            row(md, tr("Steps"), opt(state->globalStep));
            row(md, tr("Batch size"), opt(state->trainBatchSize));
            if (state->finalLoss) {
                row(md, tr("Final loss"), QString::number(state->finalLoss->loss));
            }
            if (state->bestLoss) {
                row(md, tr("Best loss"), QString::number(state->bestLoss->loss));
            }
            if (state->finalEvalLoss) {
                row(md, tr("Eval loss"), QString::number(state->finalEvalLoss->loss));
            }
            row(md, tr("Learning rate (peak)"), opt(state->learningRatePeak));
            row(md, tr("Runtime (s)"), opt(state->trainRuntimeSeconds));
            std::vector<double> curve;
            for (const auto& point : state->lossCurve) {
                curve.push_back(point.loss);
            }
            row(md, tr("Loss curve"), q(ModelCardRenderer::sparkline(curve)));
        }
        if (const auto& args = training.trainingArgs) {
            row(md, tr("Datasets"), list(args->datasets));
            row(md, tr("Stage"), opt(args->stage));
            row(md, tr("Learning rate"), opt(args->learningRate));
        }
        for (const auto& [file, metrics] : training.results) {
            QStringList parts;
            for (const auto& [key, value] : metrics) {
                parts << QStringLiteral("%1 = %2").arg(q(key)).arg(value);
            }
            row(md, q(file), parts.join(QStringLiteral(", ")));
        }
        md << QString();
    }
    for (const auto& note : adapter.notes) {
        md << QStringLiteral("- %1").arg(q(note));
    }
    for (const auto& note : training.notes) {
        md << QStringLiteral("- %1").arg(q(note));
    }
    return md.join(QLatin1Char('\n'));
}

QString CardText::baseModel(const BaseModelRecord& record)
{
    QStringList md;
    md << QStringLiteral("# %1").arg(q(record.technicalName)) << QString();
    md << QStringLiteral("| | |") << QStringLiteral("|---|---|");
    row(md, tr("Model name"), q(record.modelName));
    row(md, tr("Folder"), q(record.path));
    row(md, tr("Registered"), q(record.addedAt));
    if (record.facts.is_object()) {
        for (auto it = record.facts.begin(); it != record.facts.end(); ++it) {
            if (it.key() == "disk_size" && it->is_number()) {
                row(md, tr("Disk size"), QLocale().formattedDataSize(it->get<qint64>(), 1, QLocale::DataSizeSIFormat));
                continue;
            }
            row(md, q(it.key()), jsonText(*it));
        }
    }
    md << QString() << QStringLiteral("## %1").arg(tr("Deployment Template File")) << QString();
    if (record.templateText.empty()) {
        md << tr("None. Deploying a model of this base needs one: use **Update Deployment Template File** (a bare "
                 "Ollama template or a Modelfile fragment), or let Ollama autodetect it when deploying.");
    } else {
        md << tr("From `%1`:").arg(q(record.templateSource)) << QString() << QStringLiteral("```")
           << q(record.templateText) << QStringLiteral("```");
    }
    return md.join(QLatin1Char('\n'));
}

} // namespace deepext::gui
