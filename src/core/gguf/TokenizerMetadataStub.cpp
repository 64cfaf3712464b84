// Temporary: the tokenizer metadata is built on another branch; the lead deletes this file when it is merged.
#include "deepext/base/Error.h"
#include "deepext/gguf/TokenizerMetadata.h"

namespace deepext::gguf {

GgufMetadata readTokenizerMetadata(const std::string&, const nlohmann::json&, const std::string&, std::uint32_t)
{
    throw Error("tokenizer export is not built yet");
}

} // namespace deepext::gguf
