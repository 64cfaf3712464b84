#include "GgufImport.h"

#include "deepext/base/Error.h"
#include "deepext/gguf/GgufReader.h"

namespace deepext::fake {
namespace {

// general.file_type as Ollama names it (fs/ggml/type.go FileType.String), for the types a GGUF here can hold.
QString fileTypeName(std::uint32_t fileType)
{
    switch (fileType) {
    case 0:
        return QStringLiteral("F32");
    case 1:
        return QStringLiteral("F16");
    case 7:
        return QStringLiteral("Q8_0");
    case 32:
        return QStringLiteral("BF16");
    default:
        return QStringLiteral("unknown");
    }
}

} // namespace

QString GgufImport::inspect(const QString& blobPath, CreateSource& source)
{
    try {
        const gguf::GgufReader reader = gguf::GgufReader::open(blobPath.toStdString());
        const gguf::GgufMetadata& metadata = reader.metadata();
        const gguf::GgufValue* fileType = metadata.find("general.file_type");
        const gguf::GgufValue* architecture = metadata.find("general.architecture");
        if (!architecture) {
            return QStringLiteral("unknown model architecture: ''");
        }
        source.family = QString::fromStdString(architecture->asString());
        // Without general.file_type Ollama reports the file type as unknown, and refuses to quantize it.
        source.fileType = fileType ? fileTypeName(fileType->asUInt32()) : QStringLiteral("unknown");
        return {};
    } catch (const Error&) {
        // Go's binary decoder stops at the first short or malformed read with this text.
        return QStringLiteral("unexpected EOF");
    }
}

} // namespace deepext::fake
