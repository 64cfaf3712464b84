#include "gui/LayoutMemory.h"

#include <QHeaderView>
#include <QSettings>
#include <QSplitter>

namespace deepext::gui {

bool LayoutMemory::keep(QHeaderView* header, const QString& key)
{
    const QByteArray saved = QSettings().value(key).toByteArray();
    const bool restored = !saved.isEmpty() && header->restoreState(saved);
    const auto save = [header, key] { QSettings().setValue(key, header->saveState()); };
    QObject::connect(header, &QHeaderView::sectionResized, header, save);
    QObject::connect(header, &QHeaderView::sectionMoved, header, save);
    QObject::connect(header, &QHeaderView::sortIndicatorChanged, header, save);
    return restored;
}

bool LayoutMemory::keep(QSplitter* splitter, const QString& key)
{
    const QByteArray saved = QSettings().value(key).toByteArray();
    const bool restored = !saved.isEmpty() && splitter->restoreState(saved);
    QObject::connect(splitter, &QSplitter::splitterMoved, splitter,
                     [splitter, key] { QSettings().setValue(key, splitter->saveState()); });
    return restored;
}

} // namespace deepext::gui
