#pragma once

#include "deepext/base/Records.h"
#include "deepext/card/CardDocument.h"
#include "deepext/card/ModelCard.h"

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// One deployment of the model, as the records know it (the front ends add these when they show the card).
struct DeploymentSummary
{
    std::string ollamaName;
    std::string environment;
    std::string quantization;
    std::string status;
    std::string when;
};

enum class CardFormat
{
    Markdown, // README.md bodies
    Terminal, // plain text for the CLI
};

// The one renderer of model facts. Each view is laid out once as a structured card (carddoc::Document: sections of
// facts, tables, notes, deployments with statuses, and a summary line), which the window's card panes show as widgets
// and which is written as Markdown (the README body) or plain text (`deepext-cli show`, `base show`,
// `trained show`). With `deployments` given (even empty) a Deployments section is added; without, it is left out.
class ModelCardRenderer
{
public:
    // A saved model's card (the Saved Models pane, `show`, README.md).
    static carddoc::Document document(const ModelCard& card,
                                      const std::optional<std::vector<DeploymentSummary>>& deployments = std::nullopt);
    // A registered base model: its registration, the card's Base model section over the facts recorded at
    // registration, and its Deployment Template File (the Base Models pane, `base show`).
    static carddoc::Document baseModelDocument(const BaseModelRecord& record);
    // A registered trained model: its registration, then the card's Trained model and Training sections over
    // `facts` (TrainedModelFacts::read of the record) (the Trained Models pane, `trained show`).
    static carddoc::Document trainedModelDocument(const TrainedModelRecord& record, const TrainedModelFacts& facts);
    // A deployment record (the Deployed Models pane).
    static carddoc::Document deploymentDocument(const DeploymentRecord& record);
    static std::string render(const carddoc::Document& document, CardFormat format);

    static std::string render(const ModelCard& card, CardFormat format,
                              const std::optional<std::vector<DeploymentSummary>>& deployments = std::nullopt);
    // render(baseModelDocument(record), format) and render(trainedModelDocument(record, facts), format).
    static std::string baseModel(const BaseModelRecord& record, CardFormat format);
    static std::string trainedModel(const TrainedModelRecord& record, const TrainedModelFacts& facts,
                                    CardFormat format);

    static std::string markdown(const ModelCard& card,
                                const std::optional<std::vector<DeploymentSummary>>& deployments = std::nullopt);
    static std::string terminalText(const ModelCard& card,
                                    const std::optional<std::vector<DeploymentSummary>>& deployments = std::nullopt);
    // Hugging Face YAML front matter ("---\n...\n---\n") followed by markdown(card).
    static std::string readme(const ModelCard& card);
    static std::string frontMatter(const ModelCard& card);

    // The Hub id the merged model derives from: the adapter's base_model_name_or_path, else the adapter README's
    // base_model, else LLaMA-Factory's model_name_or_path, whichever first looks like "owner/name".
    static std::optional<std::string> hubBaseModel(const ModelCard& card);
    static bool looksLikeHubId(const std::string& text);
    // A text sparkline of the loss curve (one block character per point), empty without points.
    static std::string sparkline(const std::vector<double>& values);
};

} // namespace deepext
