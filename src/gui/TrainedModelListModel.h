#pragma once

#include "deepext/base/Records.h"
#include "gui/KeyedRowsModel.h"

namespace deepext::gui {

// The registered trained models, one row each (by name), for the Trained Models page's list.
class TrainedModelListModel final : public KeyedRowsModel<TrainedModelRecord>
{
    Q_OBJECT

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        BaseModelRole, // the base's technical name
    };

    explicit TrainedModelListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    QString keyOf(const TrainedModelRecord& record) const override;
};

} // namespace deepext::gui
