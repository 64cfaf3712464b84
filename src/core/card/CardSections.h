#pragma once

#include "deepext/base/Records.h"
#include "deepext/card/CardDocument.h"
#include "deepext/card/ModelCard.h"
#include "deepext/card/ModelCardRenderer.h"

#include <string>
#include <vector>

// The sections every rendering of model facts is made of, laid out once as a carddoc document: a saved model's card
// (README.md, the Saved Models pane, `deepext-cli show`) and a registered base or trained model (the Base Models and
// Trained Models panes, `deepext-cli base show`, `trained show`). Facts only: what a source does not state reads
// "unknown".
namespace deepext::cardsections {

carddoc::Section identitySection(const ModelCard& card);
carddoc::Section baseSection(const BaseModelFacts& base);
carddoc::Section adapterSection(const TrainedModelFacts& trained);
std::vector<carddoc::Section> trainingSections(const TrainingFacts& training);
carddoc::Section mergeSection(const MergeFacts& merge);
carddoc::Section filesSection(const ModelCard& card);
// Where each GGUF export of the saved model went, and how to run such a file.
carddoc::Section ggufExportsSection(const std::vector<GgufExportRecord>& exports);
// The Deployment Template File snapshot, or a note that there is none (deploy then uses the base's).
carddoc::Section deploymentTemplateSnapshotSection(const ModelCard& card);
carddoc::Section deploymentsSection(const std::vector<DeploymentSummary>& deployments);
carddoc::Section notesSection(const std::vector<std::string>& notes);

// A registered model's title and registration facts.
carddoc::Section registeredBaseSection(const BaseModelRecord& record);
carddoc::Section registeredTrainedSection(const TrainedModelRecord& record);
// A base model's Deployment Template File, as stored in the workspace.
carddoc::Section deploymentTemplateSection(const BaseModelRecord& record);

// A deployment record: its title, what was deployed where and how, and the server's message when there is one.
std::vector<carddoc::Section> deploymentRecordSections(const DeploymentRecord& record);

// The facts at a glance of each kind of document (carddoc::Document::summary); facts a source does not state are
// left out rather than shown as "unknown".
std::vector<carddoc::Fact> savedModelSummary(const ModelCard& card);
std::vector<carddoc::Fact> baseModelSummary(const BaseModelRecord& record, const BaseModelFacts& facts);
std::vector<carddoc::Fact> trainedModelSummary(const TrainedModelRecord& record, const TrainedModelFacts& facts);
std::vector<carddoc::Fact> deploymentRecordSummary(const DeploymentRecord& record);

} // namespace deepext::cardsections
