#pragma once

#include "deepext/base/Records.h"
#include "gui/KeyedRowsModel.h"

namespace deepext::gui {

// The deployment records, one row each (by deploy UUID: a name in Ollama can be reused after a removal), for the
// Deployed Models page's table. Unsorted: the page sorts newest first through a proxy on StartedAtRole.
class DeploymentTableModel final : public KeyedRowsModel<DeploymentRecord>
{
    Q_OBJECT

public:
    enum Column
    {
        NameColumn,
        SavedModelColumn,
        EnvironmentColumn,
        QuantizationColumn,
        StatusColumn,
        DeployedAtColumn,
        CheckColumn, // the post-deploy check: ok, did not stop, empty, error (blank when not run)
        ColumnCount,
    };
    enum Role
    {
        UuidRole = Qt::UserRole + 1,
        OllamaNameRole,
        StartedAtRole, // ISO 8601 UTC: sorts chronologically as text
    };

    explicit DeploymentTableModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // What the status column says: the status's name, and for a deployed model a refresh found missing, that.
    static QString statusText(const DeploymentRecord& record);

protected:
    QString keyOf(const DeploymentRecord& record) const override;
};

} // namespace deepext::gui
