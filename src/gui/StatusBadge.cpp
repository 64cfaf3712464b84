#include "gui/StatusBadge.h"

#include <QPainter>
#include <QPainterPath>

namespace deepext::gui {
namespace {

constexpr int PaddingX = 7;
constexpr int PaddingY = 1;

} // namespace

StatusBadge::StatusBadge(const QString& status, QWidget* parent)
    : QLabel(status, parent)
    , m_status(status)
    , m_background(colorFor(status))
    , m_text(Qt::white)
{
    setObjectName(QStringLiteral("cardStatusBadge"));
    setTextFormat(Qt::PlainText);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    QFont small = font();
    small.setBold(true);
    small.setPointSizeF(small.pointSizeF() * 0.9);
    setFont(small);
    // The palette says what the painting does, so the colours can be read back (tests, accessibility tools).
    QPalette colours = palette();
    colours.setColor(QPalette::Window, m_background);
    colours.setColor(QPalette::WindowText, m_text);
    setPalette(colours);
    setBackgroundRole(QPalette::Window);
    setForegroundRole(QPalette::WindowText);
    setAccessibleName(tr("Status: %1").arg(status));
    setToolTip(tr("Deployment status: %1").arg(status));
}

QColor StatusBadge::colorFor(const QString& status)
{
    if (status == QLatin1String("deployed")) {
        return QColor(0x2e, 0x7d, 0x32); // green
    }
    if (status == QLatin1String("failed")) {
        return QColor(0xc6, 0x28, 0x28); // red
    }
    if (status == QLatin1String("deploying")) {
        return QColor(0x15, 0x65, 0xc0); // blue
    }
    if (status == QLatin1String("cancelled")) {
        return QColor(0x54, 0x6e, 0x7a); // slate
    }
    if (status == QLatin1String("interrupted")) {
        return QColor(0xb4, 0x53, 0x09); // amber
    }
    return QColor(0x61, 0x61, 0x61); // removed, and anything unknown: grey
}

QSize StatusBadge::sizeHint() const
{
    const QFontMetrics metrics(font());
    return {metrics.horizontalAdvance(m_status) + 2 * PaddingX, metrics.height() + 2 * PaddingY};
}

void StatusBadge::paintEvent(QPaintEvent* event)
{
    Q_UNUSED(event);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF area = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    QPainterPath pill;
    pill.addRoundedRect(area, area.height() / 2, area.height() / 2);
    painter.fillPath(pill, m_background);
    painter.setPen(m_text);
    painter.setFont(font());
    painter.drawText(rect(), Qt::AlignCenter, m_status);
}

} // namespace deepext::gui
