#include "MergeOptions.h"

#include "deepext/base/Error.h"

namespace deepext::cli {

MergeOptions::MergeOptions()
    : m_dtype(QStringLiteral("dtype"), QStringLiteral("Output dtype: auto (keep each tensor's), bf16, fp16 or fp32."),
              QStringLiteral("DTYPE"), QStringLiteral("auto"))
    , m_threads(QStringLiteral("threads"), QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N"),
                QStringLiteral("0"))
{
}

void MergeOptions::addTo(QCommandLineParser& parser) const
{
    parser.addOption(m_dtype);
    parser.addOption(m_threads);
}

OutputDtype MergeOptions::dtype(const QCommandLineParser& parser) const
{
    return outputDtypeFromName(parser.value(m_dtype).toStdString());
}

int MergeOptions::threads(const QCommandLineParser& parser) const
{
    bool ok = false;
    const int value = parser.value(m_threads).toInt(&ok);
    if (!ok || value < 0 || value > 1024) {
        throw Error::usage("--threads takes a whole number from 0 (all cores) to 1024, not '" +
                           parser.value(m_threads).toStdString() + "'");
    }
    return value;
}

} // namespace deepext::cli
