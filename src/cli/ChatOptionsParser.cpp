#include "ChatOptionsParser.h"

#include "deepext/base/Error.h"

namespace deepext::cli {

int ChatOptionsParser::maxTokens(const QString& text)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 1 || value > 1'000'000) {
        throw Error::usage("--max-tokens must be a whole number from 1 to 1000000, not '" + text.toStdString() + "'");
    }
    return value;
}

double ChatOptionsParser::temperature(const QString& text)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || !(value >= 0.0 && value <= 2.0)) {
        throw Error::usage("--temperature must be a number from 0 to 2, not '" + text.toStdString() + "'");
    }
    return value;
}

} // namespace deepext::cli
