#include "deepext/card/ModelCardRenderer.h"

#include "CardSections.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace deepext {

using carddoc::Document;
using carddoc::Section;

namespace {

const char* const kUnknown = "unknown";

void appendUnique(std::vector<std::string>& list, const std::string& item)
{
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end()) {
        list.push_back(item);
    }
}

} // namespace

bool ModelCardRenderer::looksLikeHubId(const std::string& id)
{
    const auto slash = id.find('/');
    if (slash == std::string::npos || id.find('/', slash + 1) != std::string::npos) {
        return false;
    }
    auto validPart = [](const std::string& part) {
        if (part.empty() || part.size() > 96 || part.find("..") != std::string::npos || part.front() == '.' ||
            part.front() == '-' || part.back() == '.') {
            return false;
        }
        return std::all_of(part.begin(), part.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                   c == '.';
        });
    };
    return validPart(id.substr(0, slash)) && validPart(id.substr(slash + 1));
}

std::optional<std::string> ModelCardRenderer::hubBaseModel(const ModelCard& card)
{
    std::vector<std::string> candidates;
    if (card.trained.adapter.baseModelNameOrPath) {
        candidates.push_back(*card.trained.adapter.baseModelNameOrPath);
    }
    if (card.trained.training.readme) {
        for (const std::string& id : card.trained.training.readme->baseModels) {
            candidates.push_back(id);
        }
    }
    if (card.trained.training.trainingArgs && card.trained.training.trainingArgs->modelNameOrPath) {
        candidates.push_back(*card.trained.training.trainingArgs->modelNameOrPath);
    }
    for (const std::string& id : candidates) {
        if (looksLikeHubId(id)) {
            return id;
        }
    }
    return std::nullopt;
}

std::string ModelCardRenderer::sparkline(const std::vector<double>& values)
{
    static const char* blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    if (values.empty()) {
        return {};
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    std::string out;
    for (double v : values) {
        int level = 0;
        if (*hi > *lo) {
            level = static_cast<int>(std::lround((v - *lo) / (*hi - *lo) * 7.0));
        }
        out += blocks[std::clamp(level, 0, 7)];
    }
    return out;
}

std::string ModelCardRenderer::frontMatter(const ModelCard& card)
{
    const TrainingFacts& training = card.trained.training;
    std::vector<std::string> tags = {"deepextension", "peft-merged"};
    if (card.trained.adapter.peftType) {
        std::string type = *card.trained.adapter.peftType;
        std::transform(type.begin(), type.end(), type.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        appendUnique(tags, type);
    }
    std::vector<std::string> datasets;
    std::optional<std::string> license = card.base.license;
    std::vector<std::string> languages = card.base.languages;
    if (training.trainingArgs) {
        for (const std::string& d : training.trainingArgs->datasets) {
            appendUnique(datasets, d);
        }
    }
    if (training.readme) {
        for (const std::string& tag : training.readme->tags) {
            // "base_model:adapter:X" tags describe the adapter repository, not this merged model.
            if (tag.rfind("base_model:", 0) != 0) {
                appendUnique(tags, tag);
            }
        }
        for (const std::string& d : training.readme->datasets) {
            appendUnique(datasets, d);
        }
        if (!license) {
            license = training.readme->license;
        }
        if (languages.empty()) {
            languages = training.readme->languages;
        }
    }

    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "base_model" << YAML::Value
        << hubBaseModel(card).value_or(card.base.technicalName.empty() ? std::string(kUnknown)
                                                                       : card.base.technicalName);
    out << YAML::Key << "base_model_relation" << YAML::Value << "finetune";
    out << YAML::Key << "library_name" << YAML::Value << "transformers";
    out << YAML::Key << "tags" << YAML::Value << YAML::BeginSeq;
    for (const std::string& tag : tags) {
        out << tag;
    }
    out << YAML::EndSeq;
    if (license) {
        out << YAML::Key << "license" << YAML::Value << *license;
    }
    if (!datasets.empty()) {
        out << YAML::Key << "datasets" << YAML::Value << YAML::BeginSeq;
        for (const std::string& d : datasets) {
            out << d;
        }
        out << YAML::EndSeq;
    }
    if (!languages.empty()) {
        out << YAML::Key << "language" << YAML::Value << YAML::BeginSeq;
        for (const std::string& l : languages) {
            out << l;
        }
        out << YAML::EndSeq;
    }
    out << YAML::EndMap;
    return std::string("---\n") + out.c_str() + "\n---\n";
}

Document ModelCardRenderer::document(const ModelCard& card,
                                     const std::optional<std::vector<DeploymentSummary>>& deployments)
{
    using namespace cardsections;
    Document doc;
    doc.name = card.name;
    doc.summary = savedModelSummary(card);
    doc.sections.push_back(identitySection(card));
    doc.sections.push_back(baseSection(card.base));
    doc.sections.push_back(adapterSection(card.trained));
    for (Section& s : trainingSections(card.trained.training)) {
        doc.sections.push_back(std::move(s));
    }
    doc.sections.push_back(mergeSection(card.merge));
    doc.sections.push_back(deploymentTemplateSnapshotSection(card));
    doc.sections.push_back(filesSection(card));
    if (!card.ggufExports.empty()) {
        doc.sections.push_back(ggufExportsSection(card.ggufExports));
    }
    if (deployments) {
        doc.sections.push_back(deploymentsSection(*deployments));
    }
    if (!card.notes.empty()) {
        doc.sections.push_back(notesSection(card.notes));
    }
    return doc;
}

Document ModelCardRenderer::baseModelDocument(const BaseModelRecord& record)
{
    // The registry keeps the facts read at registration in the card's own schema (BaseModelFacts::toJson).
    BaseModelFacts facts = BaseModelFacts::fromJson(record.facts);
    facts.technicalName = record.technicalName;
    facts.displayName = record.modelName;
    facts.directory = record.path;
    Document doc;
    doc.name = record.technicalName;
    doc.summary = cardsections::baseModelSummary(record, facts);
    doc.sections.push_back(cardsections::registeredBaseSection(record));
    doc.sections.push_back(cardsections::baseSection(facts));
    doc.sections.push_back(cardsections::deploymentTemplateSection(record));
    return doc;
}

Document ModelCardRenderer::trainedModelDocument(const TrainedModelRecord& record, const TrainedModelFacts& facts)
{
    Document doc;
    doc.name = record.name;
    doc.summary = cardsections::trainedModelSummary(record, facts);
    doc.sections.push_back(cardsections::registeredTrainedSection(record));
    doc.sections.push_back(cardsections::adapterSection(facts));
    for (Section& section : cardsections::trainingSections(facts.training)) {
        doc.sections.push_back(std::move(section));
    }
    return doc;
}

Document ModelCardRenderer::deploymentDocument(const DeploymentRecord& record)
{
    Document doc;
    doc.name = record.ollamaName;
    doc.summary = cardsections::deploymentRecordSummary(record);
    doc.sections = cardsections::deploymentRecordSections(record);
    return doc;
}

std::string ModelCardRenderer::render(const Document& document, CardFormat format)
{
    return format == CardFormat::Markdown ? carddoc::toMarkdown(document) : carddoc::toPlainText(document);
}

std::string ModelCardRenderer::markdown(const ModelCard& card,
                                        const std::optional<std::vector<DeploymentSummary>>& deployments)
{
    return carddoc::toMarkdown(document(card, deployments));
}

std::string ModelCardRenderer::terminalText(const ModelCard& card,
                                            const std::optional<std::vector<DeploymentSummary>>& deployments)
{
    return carddoc::toPlainText(document(card, deployments));
}

std::string ModelCardRenderer::render(const ModelCard& card, CardFormat format,
                                      const std::optional<std::vector<DeploymentSummary>>& deployments)
{
    return format == CardFormat::Markdown ? markdown(card, deployments) : terminalText(card, deployments);
}

std::string ModelCardRenderer::baseModel(const BaseModelRecord& record, CardFormat format)
{
    return render(baseModelDocument(record), format);
}

std::string ModelCardRenderer::trainedModel(const TrainedModelRecord& record, const TrainedModelFacts& facts,
                                            CardFormat format)
{
    return render(trainedModelDocument(record, facts), format);
}

std::string ModelCardRenderer::readme(const ModelCard& card)
{
    return frontMatter(card) + "\n" + markdown(card);
}

} // namespace deepext
