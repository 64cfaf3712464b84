#pragma once

#include "CreateSource.h"
#include "ModelStore.h"
#include "OllamaVersion.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// The checks the safetensors converter makes on uploaded files before anything is written (convert/convert.go:
// config.json, the architecture, a tokenizer, tensor dtypes), reading the blobs as the converter would. It also
// counts the parameters and recognises the chat template, for the model's details.
class SafetensorsImport
{
public:
    // files: the create's "files" map (name -> digest). Fills source; returns the converter's error (the server
    // answers it with 500), or an empty string when the files convert.
    static QString inspect(const ModelStore& store, const OllamaVersion& version, const nlohmann::json& files,
                           CreateSource& source);
};

} // namespace deepext::fake
