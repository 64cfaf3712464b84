#pragma once

#include <QStyledItemDelegate>

namespace deepext::gui {

// Two lines per saved model: the name, then trained model · base model · created · size.
class SavedModelDelegate final : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    static QString subtitle(const QModelIndex& index);
};

} // namespace deepext::gui
