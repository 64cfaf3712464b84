#include "gui/TrainedModelListModel.h"

namespace deepext::gui {

TrainedModelListModel::TrainedModelListModel(QObject* parent)
    : KeyedRowsModel<TrainedModelRecord>(parent)
{
}

int TrainedModelListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 1;
}

QVariant TrainedModelListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const TrainedModelRecord& record = rowAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return QString::fromStdString(record.name);
    case Qt::ToolTipRole:
        return tr("Base model: %1\nAdapter: %2")
            .arg(QString::fromStdString(record.baseTechnicalName), QString::fromStdString(record.adapterPath));
    case BaseModelRole:
        return QString::fromStdString(record.baseTechnicalName);
    default:
        return {};
    }
}

QHash<int, QByteArray> TrainedModelListModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowsModel<TrainedModelRecord>::roleNames();
    names.insert(NameRole, "name");
    names.insert(BaseModelRole, "baseModel");
    return names;
}

QString TrainedModelListModel::keyOf(const TrainedModelRecord& record) const
{
    return QString::fromStdString(record.name);
}

} // namespace deepext::gui
