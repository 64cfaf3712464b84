#include "CardSections.h"

#include "CardFormat.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace deepext::cardsections {

using namespace cardformat;
using carddoc::Block;
using carddoc::Fact;
using carddoc::Inline;
using carddoc::Section;
using carddoc::Span;
using carddoc::SpanKind;

Section identitySection(const ModelCard& card)
{
    Section section{1, card.name.empty() ? std::string("Saved model") : card.name, {}};
    Inline intro;
    intro.push_back(Span{"This model is the trained model ", SpanKind::Text});
    intro.push_back(Span{card.trained.name.empty() ? kUnknown : card.trained.name, SpanKind::Code});
    intro.push_back(Span{" merged into the base model ", SpanKind::Text});
    intro.push_back(Span{card.base.technicalName.empty() ? kUnknown : card.base.technicalName, SpanKind::Code});
    intro.push_back(Span{" by DeepExtension" + (card.appVersion.empty() ? "" : " " + card.appVersion) +
                             ": the adapter's weights are folded into the base weights and the result is saved "
                             "as a self-contained Hugging Face Transformers model. The merge itself does no "
                             "training.",
                         SpanKind::Text});
    section.blocks.push_back(paragraph(std::move(intro)));
    FactTable facts;
    facts.add("Name", card.name.empty() ? unknown() : code(card.name));
    facts.add("Saving UUID", card.uuid.empty() ? unknown() : code(card.uuid));
    facts.add("Created at", card.createdAt.empty() ? unknown() : time(card.createdAt));
    facts.add("App version", card.appVersion.empty() ? unknown() : text(card.appVersion));
    facts.add("Card schema", text(card.schemaVersion.empty() ? kUnknown : card.schemaVersion));
    section.blocks.push_back(facts.block);
    return section;
}

Section baseSection(const BaseModelFacts& base)
{
    Section section{2, "Base model", {}};
    FactTable facts;
    facts.add("Technical name", base.technicalName.empty() ? unknown() : code(base.technicalName));
    facts.add("Display name", base.displayName.empty() ? unknown() : text(base.displayName));
    facts.add("Path", base.directory.empty() ? unknown() : folder(base.directory));
    facts.add("Architectures", base.architectures ? codeList(*base.architectures) : unknown());
    facts.add("Model type", optCode(base.modelType));
    facts.add("Hidden size", optInt(base.hiddenSize));
    facts.add("Layers", optInt(base.layers));
    facts.add("Attention heads", optInt(base.attentionHeads));
    facts.add("KV heads", optInt(base.keyValueHeads));
    facts.add("Intermediate size", optInt(base.intermediateSize));
    facts.add("Vocabulary size", optInt(base.vocabSize));
    facts.add("Context length", optInt(base.contextLength));
    facts.add("Dtype (config.json)", optText(base.configDtype));
    facts.add("Weights dtype (most bytes)", optText(base.weightsDtype));
    facts.add("Parameters", opt(base.parameterCount, [](auto v) { return text(parametersText(v)); }));
    facts.add("Tensors", opt(base.tensorCount, [](auto v) { return text(grouped(v)); }));
    facts.add("Weight files", opt(base.shardCount, [](auto v) { return text(grouped(v)); }));
    facts.add("Disk size", opt(base.diskSize, [](auto v) { return text(bytesText(v)); }));
    facts.add("License", optText(base.license));
    facts.add("Language", base.languages.empty() ? unknown() : text(joined(base.languages)));
    section.blocks.push_back(facts.block);
    addNotes(section, base.notes, "Notes on the base model's files:");
    return section;
}

Section adapterSection(const TrainedModelFacts& trained)
{
    const AdapterFacts& a = trained.adapter;
    Section section{2, "Trained model", {}};
    FactTable facts;
    facts.add("Name", trained.name.empty() ? unknown() : code(trained.name));
    facts.add("Train name", trained.trainName.empty() ? unknown() : code(trained.trainName));
    facts.add("Adapter path", trained.adapterDirectory.empty() ? unknown() : folder(trained.adapterDirectory));
    facts.add("PEFT type", optCode(a.peftType));
    facts.add("Task type", optCode(a.taskType));
    facts.add("base_model_name_or_path", optCode(a.baseModelNameOrPath));
    if (a.revision) {
        facts.add("Revision", code(*a.revision));
    }
    facts.add("Rank (r)", optInt(a.r));
    facts.add("Alpha (lora_alpha)", optNumber(a.loraAlpha));
    facts.add("rsLoRA", optBool(a.useRslora));
    facts.add("DoRA", optBool(a.useDora));
    if (a.targetModulesPattern) {
        facts.add("Target modules (pattern)", code(*a.targetModulesPattern));
    } else {
        facts.add("Target modules", a.targetModules ? codeList(*a.targetModules) : unknown());
    }
    facts.add("modules_to_save",
              a.modulesToSave ? (a.modulesToSave->empty() ? text("none") : codeList(*a.modulesToSave)) : unknown());
    facts.add("Bias", optCode(a.bias));
    facts.add("Dropout", optNumber(a.loraDropout));
    facts.add("init_lora_weights", optCode(a.initLoraWeights));
    auto patternText = [](const std::map<std::string, double>& pattern) {
        std::vector<std::string> items;
        for (const auto& [key, value] : pattern) {
            items.push_back(key + "=" + number(value));
        }
        return codeList(items);
    };
    if (!a.rankPattern.empty()) {
        facts.add("rank_pattern", patternText(a.rankPattern));
    }
    if (!a.alphaPattern.empty()) {
        facts.add("alpha_pattern", patternText(a.alphaPattern));
    }
    facts.add("Adapter weights",
              a.weightFiles.empty() ? text("none found beside the config") : codeList(a.weightFiles));
    section.blocks.push_back(facts.block);
    addNotes(section, a.notes, "Notes on the adapter configuration:");
    return section;
}

std::vector<Section> trainingSections(const TrainingFacts& t)
{
    std::vector<Section> sections;
    Section main{2, "Training", {}};
    if (t.sources.empty()) {
        main.blocks.push_back(
            paragraph(text("No training metadata was found beside the adapter (looked for " +
                           joined(TrainingFacts::knownSources()) + "), so the training facts are unknown.")));
    } else {
        Inline read = text("Read from ");
        Inline list = codeList(t.sources);
        read.insert(read.end(), list.begin(), list.end());
        read.push_back(Span{" beside the adapter.", SpanKind::Text});
        main.blocks.push_back(paragraph(std::move(read)));
    }
    if (t.trainerState) {
        const TrainerStateFacts& s = *t.trainerState;
        FactTable facts;
        facts.add("Epochs", s.epoch ? text(number(*s.epoch) +
                                           (s.numTrainEpochs ? " of " + number(*s.numTrainEpochs) : std::string()))
                                    : unknown());
        facts.add("Global step", s.globalStep ? text(groupedSigned(*s.globalStep) +
                                                     (s.maxSteps ? " of " + groupedSigned(*s.maxSteps) : ""))
                                              : unknown());
        facts.add("Train batch size (per device)", optInt(s.trainBatchSize));
        facts.add("Final train loss", opt(s.finalLoss, lossAt));
        facts.add("Best train loss", opt(s.bestLoss, lossAt));
        facts.add("First train loss", opt(s.firstLoss, lossAt));
        if (s.trainLoss) {
            facts.add("Average train loss (train_loss)", optNumber(s.trainLoss));
        }
        if (s.evalLossCount > 0) {
            facts.add("Final eval loss", opt(s.finalEvalLoss, lossAt));
            facts.add("Best eval loss", opt(s.bestEvalLoss, lossAt));
        }
        if (s.bestMetric || s.bestModelCheckpoint) {
            facts.add("Best metric", optNumber(s.bestMetric));
            facts.add("Best checkpoint", optCode(s.bestModelCheckpoint));
        }
        if (s.learningRateFirst) {
            facts.add("Learning rate (first, peak, last logged)",
                      text(number(*s.learningRateFirst) + ", " + number(s.learningRatePeak.value_or(0)) + ", " +
                           number(s.learningRateLast.value_or(0))));
        }
        if (s.trainRuntimeSeconds) {
            facts.add("Runtime", text(secondsText(*s.trainRuntimeSeconds)));
        }
        main.blocks.push_back(paragraph(text("From trainer_state.json:")));
        main.blocks.push_back(facts.block);
    }
    if (t.trainingArgs) {
        const TrainingArgsFacts& a = *t.trainingArgs;
        FactTable facts;
        if (!a.modes.empty()) {
            facts.add("Run", text(joined(a.modes)));
        }
        facts.add("Stage", optText(a.stage));
        facts.add("Finetuning type", optText(a.finetuningType));
        facts.add("Template", optCode(a.templateName));
        facts.add("Dataset", a.datasets.empty() ? unknown() : codeList(a.datasets));
        if (!a.evalDatasets.empty()) {
            facts.add("Eval dataset", codeList(a.evalDatasets));
        }
        facts.add("Learning rate", optNumber(a.learningRate));
        if (a.lrSchedulerType) {
            facts.add("Scheduler", text(*a.lrSchedulerType));
        }
        facts.add("Epochs", optNumber(a.numTrainEpochs));
        if (a.maxSteps) {
            facts.add("Max steps", optInt(a.maxSteps));
        }
        facts.add("Batch size per device", optInt(a.perDeviceTrainBatchSize));
        facts.add("Gradient accumulation", optInt(a.gradientAccumulationSteps));
        facts.add("Cutoff length", optInt(a.cutoffLen));
        if (a.loraRank || a.loraAlpha || a.loraTarget) {
            facts.add("LoRA rank, alpha, target",
                      text((a.loraRank ? groupedSigned(*a.loraRank) : kUnknown) + ", " +
                           (a.loraAlpha ? number(*a.loraAlpha) : kUnknown) + ", " + a.loraTarget.value_or(kUnknown)));
        }
        facts.add("Model", optCode(a.modelNameOrPath));
        if (a.adapterNameOrPath) {
            facts.add("Adapter", code(*a.adapterNameOrPath));
        }
        main.blocks.push_back(paragraph(text("From " + a.source + " (LLaMA-Factory):")));
        main.blocks.push_back(facts.block);
    }
    if (t.readme) {
        const FrontMatter& r = *t.readme;
        FactTable facts;
        facts.add("base_model", r.baseModels.empty() ? unknown() : codeList(r.baseModels));
        facts.add("library_name", optText(r.libraryName));
        if (r.license) {
            facts.add("license", text(*r.license));
        }
        if (!r.datasets.empty()) {
            facts.add("datasets", codeList(r.datasets));
        }
        if (!r.languages.empty()) {
            facts.add("language", text(joined(r.languages)));
        }
        if (r.pipelineTag) {
            facts.add("pipeline_tag", text(*r.pipelineTag));
        }
        if (!r.tags.empty()) {
            facts.add("tags", codeList(r.tags));
        }
        main.blocks.push_back(paragraph(text("From the adapter's README.md front matter:")));
        main.blocks.push_back(facts.block);
    }
    if (!t.results.empty()) {
        Block table = cardsections::table({"Metric", "Value", "File"});
        // all_results.json usually repeats train_ and eval_results.json: a value shown once, with every file.
        std::map<std::pair<std::string, double>, std::vector<std::string>> seen;
        std::vector<std::pair<std::string, double>> order;
        for (const auto& [file, metrics] : t.results) {
            for (const auto& [metric, value] : metrics) {
                auto key = std::make_pair(metric, value);
                if (seen.find(key) == seen.end()) {
                    order.push_back(key);
                }
                seen[key].push_back(file);
            }
        }
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (const auto& key : order) {
            table.rows.push_back({code(key.first), text(number(key.second)), codeList(seen[key])});
        }
        main.blocks.push_back(paragraph(text("Reported results:")));
        main.blocks.push_back(std::move(table));
    }
    addNotes(main, t.notes, "Gaps in the training metadata:");
    sections.push_back(std::move(main));

    if (t.trainerState && !t.trainerState->lossCurve.empty()) {
        const TrainerStateFacts& s = *t.trainerState;
        Section curve{3, "Loss curve", {}};
        std::vector<double> values;
        for (const LossPoint& p : s.lossCurve) {
            values.push_back(p.loss);
        }
        Inline summary =
            text(grouped(static_cast<std::uint64_t>(s.lossCount)) + " training loss values logged; " +
                 (static_cast<std::int64_t>(s.lossCurve.size()) == s.lossCount
                      ? std::string("all shown")
                      : std::to_string(s.lossCurve.size()) + " shown, evenly spaced, first and last "
                                                             "included") +
                 ". From " + number(s.firstLoss ? s.firstLoss->loss : values.front()) + " to " +
                 number(s.finalLoss ? s.finalLoss->loss : values.back()) + ", lowest " +
                 number(s.bestLoss ? s.bestLoss->loss : *std::min_element(values.begin(), values.end())) + ": ");
        summary.push_back(Span{ModelCardRenderer::sparkline(values), SpanKind::Code});
        curve.blocks.push_back(paragraph(std::move(summary)));
        Block table = cardsections::table({"Step", "Epoch", "Loss"});
        for (const LossPoint& p : s.lossCurve) {
            table.rows.push_back({optInt(p.step), optNumber(p.epoch), text(number(p.loss))});
        }
        curve.blocks.push_back(std::move(table));
        sections.push_back(std::move(curve));
    }
    return sections;
}

Section mergeSection(const MergeFacts& m)
{
    Section section{2, "Merge", {}};
    FactTable facts;
    facts.add("Output dtype", optText(m.outputDtype));
    facts.add("Tensors merged (LoRA/DoRA deltas)", opt(m.tensorsMerged, [](int v) { return text(std::to_string(v)); }));
    facts.add("Tensors replaced", opt(m.tensorsReplaced, [](int v) { return text(std::to_string(v)); }));
    facts.add("Tensors copied unchanged", opt(m.tensorsCopied, [](int v) { return text(std::to_string(v)); }));
    facts.add("Duration", opt(m.durationSeconds, [](double v) { return text(secondsText(v)); }));
    facts.add("Bytes written", opt(m.bytesWritten, [](std::uint64_t v) { return text(bytesText(v)); }));
    facts.add("Merged by", text("DeepExtension " + m.appVersion.value_or(kUnknown)));
    section.blocks.push_back(facts.block);
    if (m.scalingGroups.empty()) {
        section.blocks.push_back(paragraph(text("No per-module scaling was recorded.")));
    } else if (m.scalingUniform()) {
        const ScalingGroup& g = m.scalingGroups.front();
        section.blocks.push_back(paragraph(text(
            "Scaling: all " + std::to_string(g.modules.size()) + " merged modules used rank " + std::to_string(g.rank) +
            ", alpha " + number(g.alpha) + ", scaling " + number(g.scaling) + (g.dora ? ", with DoRA." : "."))));
    } else {
        Block table = cardsections::table({"Rank", "Alpha", "Scaling", "DoRA", "Modules"});
        for (const ScalingGroup& g : m.scalingGroups) {
            table.rows.push_back({text(std::to_string(g.rank)), text(number(g.alpha)), text(number(g.scaling)),
                                  text(g.dora ? "yes" : "no"), codeList(g.modules)});
        }
        section.blocks.push_back(paragraph(text("Scaling differs between modules:")));
        section.blocks.push_back(std::move(table));
    }
    if (!m.configChanges.empty()) {
        section.blocks.push_back(paragraph(text("Changes to config.json:")));
        section.blocks.push_back(bullets(m.configChanges));
    }
    if (!m.warnings.empty()) {
        section.blocks.push_back(paragraph(text("Warnings raised by the merge:")));
        section.blocks.push_back(bullets(m.warnings));
    } else {
        section.blocks.push_back(paragraph(text("The merge raised no warnings.")));
    }
    return section;
}

Section filesSection(const ModelCard& card)
{
    Section section{2, "Files", {}};
    if (card.files.empty()) {
        section.blocks.push_back(paragraph(text("No file manifest was recorded.")));
        return section;
    }
    Block table = cardsections::table({"Path", "Size", "SHA-256"}, true);
    for (const ManifestEntry& f : card.files) {
        table.rows.push_back({code(f.path), text(grouped(f.size)), hash(f.sha256)});
    }
    section.blocks.push_back(std::move(table));
    section.blocks.push_back(
        paragraph(text("Total size: " + (card.totalSize ? bytesText(*card.totalSize) : std::string(kUnknown)) + " in " +
                       std::to_string(card.files.size()) + " files (model_card.json and README.md not included).")));
    return section;
}

Section ggufExportsSection(const std::vector<GgufExportRecord>& exports)
{
    Section section{2, "GGUF exports", {}};
    Block table = cardsections::table({"File", "Type", "Size", "SHA-256", "Exported"}, true);
    for (const GgufExportRecord& e : exports) {
        table.rows.push_back({folder(e.path), text(e.type), text(grouped(e.size)), hash(e.sha256), time(e.exportedAt)});
    }
    section.blocks.push_back(std::move(table));
    Inline howTo;
    howTo.push_back(Span{"Each file is a whole model in one file. Run it with llama.cpp (", SpanKind::Text});
    howTo.push_back(Span{"llama-cli -m FILE.gguf", SpanKind::Code});
    howTo.push_back(Span{"), load it in LM Studio (My Models, import the file), or create an Ollama model from it "
                         "with a Modelfile whose first line is ",
                         SpanKind::Text});
    howTo.push_back(Span{"FROM /path/to/FILE.gguf", SpanKind::Code});
    howTo.push_back(
        Span{" (add this model's template, system prompt and parameters, as a deploy does).", SpanKind::Text});
    section.blocks.push_back(paragraph(std::move(howTo)));
    return section;
}

Section deploymentTemplateSnapshotSection(const ModelCard& card)
{
    Section section{2, "Deployment template", {}};
    if (!card.deploymentTemplate) {
        section.blocks.push_back(
            paragraph(text("No Deployment Template File was captured when this model was saved (saved before "
                           "snapshots existed, or its base model had none then): deploying it uses its base model's "
                           "current one.")));
        return section;
    }
    const DeploymentTemplateSnapshot& snapshot = *card.deploymentTemplate;
    section.blocks.push_back(paragraph(text("Captured at save time; deploying uses this snapshot by default.")));
    FactTable facts;
    facts.add("File", code(snapshot.file));
    facts.add("SHA-256", hash(snapshot.sha256));
    facts.add("From base model", snapshot.baseTechnicalName.empty() ? unknown() : code(snapshot.baseTechnicalName));
    facts.add("Base's template file",
              snapshot.sourceFile.empty() ? unknown() : Inline{Span{snapshot.sourceFile, SpanKind::File}});
    section.blocks.push_back(facts.block);
    return section;
}

Section deploymentsSection(const std::vector<DeploymentSummary>& deployments)
{
    Section section{2, "Deployments", {}};
    if (deployments.empty()) {
        section.blocks.push_back(paragraph(text("This model has not been deployed.")));
        return section;
    }
    Block table = cardsections::table({"Ollama name", "Environment", "Quantization", "Status", "When"}, true);
    for (const DeploymentSummary& d : deployments) {
        table.rows.push_back({code(d.ollamaName), text(d.environment), text(d.quantization),
                              Inline{Span{d.status, SpanKind::Status}}, time(d.when)});
    }
    section.blocks.push_back(std::move(table));
    return section;
}

Section notesSection(const std::vector<std::string>& notes)
{
    Section section{2, "Notes", {}};
    section.blocks.push_back(bullets(notes));
    return section;
}

Section registeredBaseSection(const BaseModelRecord& record)
{
    Section section{1, record.technicalName.empty() ? std::string("Base model") : record.technicalName, {}};
    section.blocks.push_back(paragraph(text("A base model registered in the workspace: its folder is referenced, "
                                            "never copied or deleted.")));
    // Name, display name and folder follow in the Base model section.
    FactTable facts;
    facts.add("Registered at", record.addedAt.empty() ? unknown() : time(record.addedAt));
    section.blocks.push_back(facts.block);
    return section;
}

Section registeredTrainedSection(const TrainedModelRecord& record)
{
    Section section{1, record.name.empty() ? std::string("Trained model") : record.name, {}};
    section.blocks.push_back(paragraph(text("A trained model (a PEFT adapter) registered in the workspace: its folder "
                                            "is referenced, never copied or deleted.")));
    // Name, train name and adapter folder follow in the Trained model section.
    FactTable facts;
    facts.add("Base model", record.baseTechnicalName.empty() ? unknown() : code(record.baseTechnicalName));
    facts.add("Registered at", record.createdAt.empty() ? unknown() : time(record.createdAt));
    facts.add("UUID", record.uuid.empty() ? unknown() : code(record.uuid));
    section.blocks.push_back(facts.block);
    return section;
}

Section deploymentTemplateSection(const BaseModelRecord& record)
{
    Section section{2, "Deployment Template File", {}};
    if (record.templateText.empty()) {
        section.blocks.push_back(paragraph(
            text("None. Deploying a model of this base needs one: add a bare Ollama template or a Modelfile fragment "
                 "(Update Deployment Template File in the window, 'deepext-cli base set-template " +
                 (record.technicalName.empty() ? std::string("TECH") : record.technicalName) +
                 " FILE'), or let Ollama autodetect it when deploying.")));
        return section;
    }
    Inline from = text("From ");
    from.push_back(record.templateSource.empty() ? Span{kUnknown, SpanKind::Code}
                                                 : Span{record.templateSource, SpanKind::File});
    from.push_back(Span{":", SpanKind::Text});
    section.blocks.push_back(paragraph(std::move(from)));
    section.blocks.push_back(verbatim(record.templateText));
    return section;
}

std::vector<Section> deploymentRecordSections(const DeploymentRecord& record)
{
    Section title{1, record.ollamaName.empty() ? std::string("Deployment") : record.ollamaName, {}};
    Inline intro = text("A deploy of the saved model ");
    intro.push_back(Span{record.savedModel.empty() ? std::string(kUnknown) : record.savedModel, SpanKind::Code});
    intro.push_back(Span{" to the Ollama server " +
                             (record.environment.empty() ? std::string() : "\"" + record.environment + "\" ") + "at ",
                         SpanKind::Text});
    intro.push_back(Span{record.url.empty() ? std::string(kUnknown) : record.url, SpanKind::Code});
    intro.push_back(Span{".", SpanKind::Text});
    title.blocks.push_back(paragraph(std::move(intro)));
    FactTable facts;
    facts.add("Name in Ollama", record.ollamaName.empty() ? unknown() : code(record.ollamaName));
    facts.add("Status", Inline{Span{std::string(deploymentStatusName(record.status)), SpanKind::Status}});
    if (!record.refreshedAt.empty()) {
        facts.add("On the server",
                  text(record.presentOnServer ? "yes, at the last refresh" : "no longer, at the last refresh"));
        facts.add("Last refresh", time(record.refreshedAt));
    }
    facts.add("Saved model", record.savedModel.empty() ? unknown() : code(record.savedModel));
    facts.add("Environment", text(record.environment.empty() ? "none (a URL given directly)" : record.environment));
    facts.add("Server", record.url.empty() ? unknown() : code(record.url));
    facts.add("Quantization", record.quantization.empty() ? unknown() : code(record.quantization));
    facts.add("Started at", record.startedAt.empty() ? unknown() : time(record.startedAt));
    facts.add("Ended at", record.endedAt.empty() ? text("not yet") : time(record.endedAt));
    if (!record.modelDigest.empty()) {
        facts.add("Model digest", hash(record.modelDigest));
    }
    facts.add("Deploy UUID", record.uuid.empty() ? unknown() : code(record.uuid));
    title.blocks.push_back(facts.block);
    std::vector<Section> sections;
    sections.push_back(std::move(title));
    if (!record.message.empty()) {
        Section message{2, "Message from the server", {}};
        message.blocks.push_back(verbatim(record.message));
        sections.push_back(std::move(message));
    }
    return sections;
}

namespace {

void addKnown(std::vector<Fact>& summary, const std::string& label, const std::string& value,
              SpanKind kind = SpanKind::Text)
{
    if (!value.empty()) {
        summary.push_back(Fact{label, Inline{Span{value, kind}}});
    }
}

} // namespace

std::vector<Fact> savedModelSummary(const ModelCard& card)
{
    std::vector<Fact> summary;
    addKnown(summary, "Base", card.base.technicalName, SpanKind::Code);
    addKnown(summary, "Adapter", card.trained.trainName.empty() ? card.trained.name : card.trained.trainName,
             SpanKind::Code);
    if (card.trained.adapter.r) {
        addKnown(summary, "Rank", groupedSigned(*card.trained.adapter.r));
    }
    // "auto" keeps every tensor's dtype: the weights' own dtype says more.
    const std::optional<std::string> dtype =
        card.merge.outputDtype && *card.merge.outputDtype != "auto" ? card.merge.outputDtype : card.base.weightsDtype;
    addKnown(summary, "Dtype", dtype.value_or(""));
    if (card.totalSize) {
        addKnown(summary, "Size", shortBytes(*card.totalSize));
    }
    addKnown(summary, "Created", card.createdAt, SpanKind::Time);
    return summary;
}

std::vector<Fact> baseModelSummary(const BaseModelRecord& record, const BaseModelFacts& facts)
{
    std::vector<Fact> summary;
    if (facts.architectures && !facts.architectures->empty()) {
        addKnown(summary, "Architecture", facts.architectures->front(), SpanKind::Code);
    }
    if (facts.parameterCount) {
        addKnown(summary, "Parameters", shortCount(*facts.parameterCount));
    }
    addKnown(summary, "Dtype", facts.weightsDtype.value_or(facts.configDtype.value_or("")));
    if (facts.diskSize) {
        addKnown(summary, "Size", shortBytes(*facts.diskSize));
    }
    addKnown(summary, "Template", record.templateText.empty() ? "none" : "yes");
    addKnown(summary, "Registered", record.addedAt, SpanKind::Time);
    return summary;
}

std::vector<Fact> trainedModelSummary(const TrainedModelRecord& record, const TrainedModelFacts& facts)
{
    std::vector<Fact> summary;
    addKnown(summary, "Base", record.baseTechnicalName, SpanKind::Code);
    addKnown(summary, "Type", facts.adapter.peftType.value_or(""));
    if (facts.adapter.r) {
        addKnown(summary, "Rank", groupedSigned(*facts.adapter.r));
    }
    if (facts.adapter.loraAlpha) {
        addKnown(summary, "Alpha", number(*facts.adapter.loraAlpha));
    }
    addKnown(summary, "Registered", record.createdAt, SpanKind::Time);
    return summary;
}

std::vector<Fact> deploymentRecordSummary(const DeploymentRecord& record)
{
    std::vector<Fact> summary;
    addKnown(summary, "Status", std::string(deploymentStatusName(record.status)), SpanKind::Status);
    addKnown(summary, "Environment", record.environment.empty() ? record.url : record.environment);
    addKnown(summary, "Quantization", record.quantization);
    addKnown(summary, "Deployed", record.endedAt.empty() ? record.startedAt : record.endedAt, SpanKind::Time);
    return summary;
}

} // namespace deepext::cardsections
