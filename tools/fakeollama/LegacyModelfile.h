#pragma once

#include <QString>

#include <nlohmann/json.hpp>

namespace deepext::fake {

// A Modelfile as servers up to v0.5.4 parse it on their side (parser.ParseFile of v0.5.4, reduced: instructions,
// quoted and triple-quoted values), turned into the fields of a JSON create request.
struct LegacyModelfile
{
    nlohmann::json request = nlohmann::json::object(); // template, system, license, parameters, messages
    QString from;                                      // the FROM value
    QString error;                                     // the parser's error; empty when it parsed

    static LegacyModelfile parse(const QString& modelfile);
};

} // namespace deepext::fake
