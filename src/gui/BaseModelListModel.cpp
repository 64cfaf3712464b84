#include "gui/BaseModelListModel.h"

namespace deepext::gui {

BaseModelListModel::BaseModelListModel(QObject* parent)
    : KeyedRowsModel<BaseModelRecord>(parent)
{
}

int BaseModelListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1;
}

QVariant BaseModelListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const BaseModelRecord& record = rowAt(index.row());
    const QString name = QString::fromStdString(record.technicalName);
    switch (role) {
    case Qt::DisplayRole:
        return record.templateText.empty() ? tr("%1 (no template)").arg(name) : name;
    case Qt::ToolTipRole:
        return QString::fromStdString(record.path);
    case NameRole:
        return name;
    case HasTemplateRole:
        return !record.templateText.empty();
    default:
        return {};
    }
}

QHash<int, QByteArray> BaseModelListModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowsModel<BaseModelRecord>::roleNames();
    names.insert(NameRole, "name");
    names.insert(HasTemplateRole, "hasTemplate");
    return names;
}

QString BaseModelListModel::keyOf(const BaseModelRecord& record) const
{
    return QString::fromStdString(record.technicalName);
}

} // namespace deepext::gui
