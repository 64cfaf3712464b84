#include "gui/DeploymentFilterProxy.h"

#include "gui/DeploymentTableModel.h"

namespace deepext::gui {

DeploymentFilterProxy::DeploymentFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(DeploymentTableModel::SortRole);
    setDynamicSortFilter(true);
}

void DeploymentFilterProxy::setShowHistory(bool history)
{
    if (history != m_history) {
        m_history = history;
        invalidateFilter();
    }
}

void DeploymentFilterProxy::setFilterText(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed != m_text) {
        m_text = trimmed;
        invalidateFilter();
    }
}

bool DeploymentFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* source = sourceModel();
    if (!m_history && !source->index(sourceRow, 0, sourceParent).data(DeploymentTableModel::LiveRole).toBool()) {
        return false;
    }
    if (m_text.isEmpty()) {
        return true;
    }
    for (const int column : {DeploymentTableModel::NameColumn, DeploymentTableModel::SavedModelColumn,
                             DeploymentTableModel::EnvironmentColumn, DeploymentTableModel::StatusColumn}) {
        if (source->index(sourceRow, column, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

} // namespace deepext::gui
