#pragma once

#include "deepext/gguf/GgufReader.h"

#include <QStringList>

#include <string>

namespace deepext::test {

// The real exporter as a user runs it: `deepext-cli [global options] export-gguf <source> --out OUT --type TYPE`
// in a subprocess, then the strict GGUF reader (every rule of llama.cpp's own reader, exact file length) over the
// file it wrote.
class CliGgufExport
{
public:
    // `globalOptions`: e.g. {"--workspace", DIR}; `source`: {"--model", DIR} or {SAVED}. Throws deepext::Error with
    // the command's stderr when it fails or writes nothing, or the reader's message when the file is not valid.
    static gguf::GgufReader run(const QStringList& globalOptions, const QStringList& source, const std::string& out,
                                const std::string& type);
};

} // namespace deepext::test
