#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

class QStyle;
class QWidget;

namespace deepext::gui::test {

// Switches the application to a palette (and the Fusion style, as dark desktop themes do, unless QT_STYLE_OVERRIDE
// chose one) for one test and back.
class PaletteScope
{
public:
    enum class Kind
    {
        Light,
        Dark,
    };
    explicit PaletteScope(Kind kind);
    ~PaletteScope();
    PaletteScope(const PaletteScope&) = delete;
    PaletteScope& operator=(const PaletteScope&) = delete;

    // A dark palette as dark themes set it (Fusion's dark variant).
    static QPalette darkPalette();

private:
    QString m_styleName;
    QPalette m_palette;
};

// WCAG 2 contrast ratio of two colours, 1 to 21.
double contrastRatio(const QColor& a, const QColor& b);

// The colour painted behind `widget`: its nearest ancestor (or itself) that fills its background, else the window's.
QColor backgroundBehind(const QWidget* widget);

} // namespace deepext::gui::test
