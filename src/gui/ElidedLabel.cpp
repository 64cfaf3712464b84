#include "gui/ElidedLabel.h"

#include <QEvent>
#include <QFontMetrics>

namespace deepext::gui {
namespace {

// Enough to recognise the start and the end of an elided text.
constexpr int MinimumCharacters = 8;

} // namespace

ElidedLabel::ElidedLabel(const QString& text, Qt::TextElideMode mode, QWidget* parent)
    : QLabel(parent)
    , m_mode(mode)
{
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    setFullText(text);
}

void ElidedLabel::setFullText(const QString& text)
{
    m_fullText = text;
    setToolTip(text);
    updateGeometry();
    elide();
}

QSize ElidedLabel::sizeHint() const
{
    const QFontMetrics metrics(font());
    const QMargins margins = contentsMargins();
    return {metrics.horizontalAdvance(m_fullText) + margins.left() + margins.right() + 2 * margin(),
            metrics.height() + margins.top() + margins.bottom() + 2 * margin()};
}

QSize ElidedLabel::minimumSizeHint() const
{
    const QFontMetrics metrics(font());
    const QMargins margins = contentsMargins();
    const int characters = std::min<int>(MinimumCharacters, static_cast<int>(m_fullText.size()));
    return {metrics.averageCharWidth() * characters + margins.left() + margins.right() + 2 * margin(),
            metrics.height() + margins.top() + margins.bottom() + 2 * margin()};
}

void ElidedLabel::resizeEvent(QResizeEvent* event)
{
    QLabel::resizeEvent(event);
    elide();
}

void ElidedLabel::changeEvent(QEvent* event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        updateGeometry();
        elide();
    }
}

void ElidedLabel::elide()
{
    const QString shown = QFontMetrics(font()).elidedText(m_fullText, m_mode, contentsRect().width() - 2 * margin());
    if (shown != text()) {
        QLabel::setText(shown);
    }
}

} // namespace deepext::gui
