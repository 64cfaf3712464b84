#pragma once

#include "CreateSource.h"

#include <QString>

namespace deepext::fake {

// What the stand-in learns from an uploaded GGUF model file, as Ollama's GGUF import does (fs/ggml Decode): the
// file type (general.file_type: F32, F16, BF16, Q8_0, ...) that decides whether quantize may run, and the family
// (general.architecture).
class GgufImport
{
public:
    // Fills source.fileType and source.family from the GGUF at `blobPath`; returns the error the server reports
    // for a file it cannot decode, or an empty string.
    static QString inspect(const QString& blobPath, CreateSource& source);
};

} // namespace deepext::fake
