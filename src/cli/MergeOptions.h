#pragma once

#include "deepext/merge/MergeTypes.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace deepext::cli {

// The options `save` and `merge` share (--dtype, --threads), and the run with a progress bar and Ctrl+C.
class MergeOptions
{
public:
    MergeOptions();
    void addTo(QCommandLineParser& parser) const;
    // Throws a usage Error for values outside the allowed ones.
    OutputDtype dtype(const QCommandLineParser& parser) const;
    int threads(const QCommandLineParser& parser) const;

private:
    QCommandLineOption m_dtype;
    QCommandLineOption m_threads;
};

} // namespace deepext::cli
