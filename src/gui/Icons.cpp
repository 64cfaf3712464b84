#include "gui/Icons.h"

#include <QApplication>
#include <QImageReader>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initDeepextResources()
{
    Q_INIT_RESOURCE(deepext);
}

namespace deepext::gui {

void Icons::initResources()
{
    static const bool done = [] {
        initDeepextResources();
        return true;
    }();
    Q_UNUSED(done);
}

QIcon Icons::get(const char* name, QStyle::StandardPixmap fallback)
{
    initResources();
    static const bool svg = QImageReader::supportedImageFormats().contains("svg");
    if (svg) {
        return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
    }
    return QApplication::style()->standardIcon(fallback);
}

QIcon Icons::app()
{
    return get("deepext", QStyle::SP_ComputerIcon);
}

} // namespace deepext::gui
