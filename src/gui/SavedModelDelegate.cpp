#include "gui/SavedModelDelegate.h"

#include "gui/SavedModelListModel.h"

#include <QApplication>
#include <QPainter>

namespace deepext::gui {
namespace {

constexpr int Margin = 4;

} // namespace

QString SavedModelDelegate::subtitle(const QModelIndex& index)
{
    const QVariant size = index.data(SavedModelListModel::SizeRole);
    const std::optional<std::uint64_t> bytes =
        size.isValid() ? std::optional<std::uint64_t>(size.toULongLong()) : std::nullopt;
    return QStringLiteral("%1 · %2 · %3 · %4")
        .arg(index.data(SavedModelListModel::TrainedModelRole).toString(),
             index.data(SavedModelListModel::BaseModelRole).toString(),
             SavedModelListModel::formatCreated(index.data(SavedModelListModel::CreatedAtRole).toString()),
             SavedModelListModel::formatSize(bytes));
}

void SavedModelDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString name = opt.text;
    opt.text.clear();
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    painter->save();
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    painter->setPen(opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text));
    const QRect area = opt.rect.adjusted(Margin * 2, Margin, -Margin, -Margin);
    QFont bold = opt.font;
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    painter->setFont(bold);
    painter->drawText(QRect(area.left(), area.top(), area.width(), boldMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter, boldMetrics.elidedText(name, Qt::ElideMiddle, area.width()));
    QFont small = opt.font;
    small.setPointSizeF(opt.font.pointSizeF() * 0.9);
    const QFontMetrics smallMetrics(small);
    painter->setFont(small);
    if (!selected) {
        painter->setPen(opt.palette.color(group, QPalette::PlaceholderText));
    }
    painter->drawText(QRect(area.left(), area.top() + boldMetrics.height(), area.width(), smallMetrics.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      smallMetrics.elidedText(subtitle(index), Qt::ElideRight, area.width()));
    painter->restore();
}

QSize SavedModelDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    Q_UNUSED(index);
    QFont bold = option.font;
    bold.setBold(true);
    QFont small = option.font;
    small.setPointSizeF(option.font.pointSizeF() * 0.9);
    const int height = QFontMetrics(bold).height() + QFontMetrics(small).height() + Margin * 2 + 2;
    return {200, height};
}

} // namespace deepext::gui
