#pragma once

#include <QString>

class QHeaderView;
class QSplitter;

namespace deepext::gui {

// Remembers how the user arranged a view across runs, in QSettings under a key of its own: a table header's column
// widths, order and sort (per table), a splitter's sizes. keep() restores what was saved (returns whether there was
// anything) and saves every later change as it happens.
class LayoutMemory
{
public:
    static bool keep(QHeaderView* header, const QString& key);
    static bool keep(QSplitter* splitter, const QString& key);
};

} // namespace deepext::gui
