#pragma once

#include "deepext/base/Records.h"
#include "gui/KeyedRowsModel.h"

namespace deepext::gui {

// The registered base models, one row each (by technical name), for the Base Models page's list.
class BaseModelListModel final : public KeyedRowsModel<BaseModelRecord>
{
    Q_OBJECT

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the technical name
        HasTemplateRole,             // bool: a Deployment Template File is stored
    };

    explicit BaseModelListModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

protected:
    QString keyOf(const BaseModelRecord& record) const override;
};

} // namespace deepext::gui
