#pragma once

#include <QIcon>
#include <QStyle>

namespace deepext::gui {

// The app's icons from resources/icons (hand-written SVGs). Where Qt has no SVG image plugin installed, a style
// icon of the same meaning stands in, so toolbars never show blank buttons.
class Icons
{
public:
    // Makes the resources of the static GUI library available (a static library's initializer is otherwise
    // dropped by the linker). Idempotent.
    static void initResources();

    static QIcon get(const char* name, QStyle::StandardPixmap fallback);
    static QIcon app();
};

} // namespace deepext::gui
