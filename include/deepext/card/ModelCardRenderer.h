#pragma once

#include "deepext/base/Records.h"
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
    Markdown, // README.md bodies and the window's panes (QTextBrowser::setMarkdown)
    Terminal, // plain text for the CLI
};

// The one renderer of model facts. markdown() is what the README body and the window's Saved Models pane use;
// terminalText() lays out the same content as plain text for `deepext-cli show`. With `deployments` given (even
// empty) a Deployments section is added; without, it is left out. baseModel() and trainedModel() render a registered
// model with the same sections (the Base Models and Trained Models panes, `base show`, `trained show`).
class ModelCardRenderer
{
public:
    static std::string render(const ModelCard& card, CardFormat format,
                              const std::optional<std::vector<DeploymentSummary>>& deployments = std::nullopt);
    // Its registration, the card's Base model section over the facts read when it was registered, and its
    // Deployment Template File.
    static std::string baseModel(const BaseModelRecord& record, CardFormat format);
    // Its registration, then the card's Trained model and Training sections over `facts`
    // (TrainedModelFacts::read of the record).
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
