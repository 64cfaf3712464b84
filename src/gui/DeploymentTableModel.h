#pragma once

#include "deepext/base/Records.h"
#include "deepext/workflow/DeploymentMaintenance.h"
#include "gui/KeyedRowsModel.h"

#include <QHash>

#include <set>
#include <string>

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
        SortRole,      // what a click on the column's header sorts by (times as ISO text, the rest as shown)
        LiveRole,      // bool: deploying now, or deployed and (as far as we know) still on its server
    };

    explicit DeploymentTableModel(QObject* parent = nullptr);

    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // What each server had at the last presence check; overrides the records' presentOnServer for those servers.
    void setPresence(ServerModels present);
    // Saved models no longer in the workspace: their rows say so (the deployments stay, as the seed says).
    void setMissingSavedModels(std::set<std::string> missing);
    // What a background deploy writing that record is doing now ("Uploading · 1.2 GB of 4.0 GB · 80 MB/s"); an
    // empty text when it has ended. The record's row shows it in its status column.
    void setJobProgress(const QString& uuid, const QString& text);
    QString jobProgress(const QString& uuid) const { return m_jobProgress.value(uuid); }
    bool isLive(int row) const;
    bool isPresent(const DeploymentRecord& record) const;

    // What the status column says: the status's name, and for a deployed model no longer on its server, that.
    QString statusText(const DeploymentRecord& record) const;

protected:
    QString keyOf(const DeploymentRecord& record) const override;

private:
    void allRowsChanged();

    ServerModels m_present;
    std::set<std::string> m_missingSavedModels;
    QHash<QString, QString> m_jobProgress; // by deploy UUID
};

} // namespace deepext::gui
