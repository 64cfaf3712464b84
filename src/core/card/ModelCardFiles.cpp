#include "deepext/card/ModelCardFiles.h"

#include "deepext/base/AtomicFile.h"
#include "deepext/card/ModelCardRenderer.h"

#include <filesystem>

namespace deepext {

void writeModelCardFiles(const ModelCard& card, const std::string& modelDirectory)
{
    const std::filesystem::path dir(modelDirectory);
    // Invalid UTF-8 from a metadata file must not make the dump throw: replace it.
    const std::string json = card.toJson().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    writeFileAtomically((dir / "model_card.json").string(), json);
    writeFileAtomically((dir / "README.md").string(), ModelCardRenderer::readme(card));
}

} // namespace deepext
