#pragma once

#include "deepext/card/ModelCard.h"

#include <optional>
#include <string>
#include <vector>

namespace deepext {

// One deployment of the model, as the records know it (the GUI adds these when it shows the card).
struct DeploymentSummary
{
    std::string ollamaName;
    std::string environment;
    std::string quantization;
    std::string status;
    std::string when;
};

// The one renderer of a card. markdown() is what the README body, the GUI pane (QTextBrowser::setMarkdown) and
// `deepext-cli show` on a Markdown-capable sink use; terminalText() lays out the same content as plain text.
// With `deployments` given (even empty) a Deployments section is added; without, it is left out.
class ModelCardRenderer
{
public:
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
