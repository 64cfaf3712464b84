#include "PaletteScope.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

#include <cmath>

namespace deepext::gui::test {

PaletteScope::PaletteScope(Kind kind)
    : m_styleName(QApplication::style()->name())
    , m_palette(QApplication::palette())
{
    // Under QT_STYLE_OVERRIDE (ctest runs the pane's tests so) the style given stays; otherwise Fusion.
    if (qEnvironmentVariableIsEmpty("QT_STYLE_OVERRIDE")) {
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    }
    QApplication::setPalette(kind == Kind::Dark ? darkPalette() : QApplication::style()->standardPalette());
}

PaletteScope::~PaletteScope()
{
    QApplication::setStyle(QStyleFactory::create(m_styleName));
    QApplication::setPalette(m_palette);
}

QPalette PaletteScope::darkPalette()
{
    QPalette p;
    const QColor window(0x2d, 0x2d, 0x30);
    const QColor text(0xe8, 0xe8, 0xe8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x20));
    p.setColor(QPalette::AlternateBase, QColor(0x28, 0x28, 0x2b));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Light, QColor(0x45, 0x45, 0x48));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3a, 0x3d));
    p.setColor(QPalette::Mid, QColor(0x25, 0x25, 0x27));
    p.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x19));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xc4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

double contrastRatio(const QColor& a, const QColor& b)
{
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor backgroundBehind(const QWidget* widget)
{
    for (const QWidget* w = widget; w; w = w->parentWidget()) {
        // A scroll area's viewport paints its own background role.
        const bool viewport = w->parentWidget() && qobject_cast<const QAbstractScrollArea*>(w->parentWidget()) &&
                              static_cast<const QAbstractScrollArea*>(w->parentWidget())->viewport() == w;
        if (w->autoFillBackground() || viewport || w->isWindow()) {
            return w->palette().color(w->backgroundRole());
        }
    }
    return widget->palette().color(QPalette::Window);
}

} // namespace deepext::gui::test
