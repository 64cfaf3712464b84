#pragma once

#include <QLabel>
#include <QString>

namespace deepext::gui {

// One line of text that never makes its layout wider than it is given: when the text does not fit, it is elided
// (in the middle by default, so a path keeps its start and its last folder) and the full text is in the tooltip.
// Its size hint asks for the full width; its minimum is a few characters.
class ElidedLabel final : public QLabel
{
    Q_OBJECT

public:
    explicit ElidedLabel(const QString& text = {}, Qt::TextElideMode mode = Qt::ElideMiddle, QWidget* parent = nullptr);

    void setFullText(const QString& text);
    QString fullText() const { return m_fullText; }
    bool isElided() const { return text() != m_fullText; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void elide();

    QString m_fullText;
    Qt::TextElideMode m_mode;
};

} // namespace deepext::gui
