#pragma once

#include "deepext/card/ModelCard.h"

#include <string>

namespace deepext {

// Writes <modelDirectory>/model_card.json (the card as JSON, 2-space indent) and README.md (front matter + the
// Markdown rendering), each atomically. Throws deepext::Error naming the file when a write fails.
void writeModelCardFiles(const ModelCard& card, const std::string& modelDirectory);

} // namespace deepext
