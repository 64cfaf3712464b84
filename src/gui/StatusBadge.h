#pragma once

#include <QColor>
#include <QLabel>
#include <QString>

namespace deepext::gui {

// A deployment status as a small coloured badge: green deployed, red failed, blue deploying, slate cancelled, amber
// interrupted, grey removed. The colours are fixed and dark enough for white text in a light and a dark palette
// (WCAG contrast of at least 4.5:1), so a badge reads the same in both.
class StatusBadge final : public QLabel
{
    Q_OBJECT

public:
    explicit StatusBadge(const QString& status, QWidget* parent = nullptr);

    QString status() const { return m_status; }
    QColor backgroundColor() const { return m_background; }
    QColor textColor() const { return m_text; }

    // The badge colour of a status name (deploymentStatusName); an unknown name gets the "removed" grey.
    static QColor colorFor(const QString& status);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_status;
    QColor m_background;
    QColor m_text;
};

} // namespace deepext::gui
