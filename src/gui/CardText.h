#pragma once

#include <QString>

#include <string>

namespace deepext {
class Workspace;
struct BaseModelRecord;
struct TrainedModelRecord;
} // namespace deepext

namespace deepext::gui {

// The Markdown shown in the card panes. Each reads files, so it runs on a worker thread; the page applies the text
// with QTextBrowser::setMarkdown on the GUI thread. Throws deepext::Error when a saved model's card cannot be read.
class CardText
{
public:
    // ModelCardRenderer's rendering of model_card.json plus this model's deployment records.
    static QString savedModel(const Workspace& workspace, const std::string& savedName);
    // The adapter configuration and the training facts found beside the adapter.
    static QString trainedModel(const TrainedModelRecord& record);
    // The registered facts and the Deployment Template File.
    static QString baseModel(const BaseModelRecord& record);
};

} // namespace deepext::gui
