#pragma once

#include <QSortFilterProxyModel>

namespace deepext::gui {

// The Deployed Models page's view of the records: the live deployments (deploying now, or deployed and still on
// their server) or the whole history of attempts, narrowed by the filter box's text (name in Ollama, saved model,
// environment or status, any case), sorted by the column whose header was clicked.
class DeploymentFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit DeploymentFilterProxy(QObject* parent = nullptr);

    void setShowHistory(bool history);
    bool showsHistory() const { return m_history; }
    void setFilterText(const QString& text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool m_history = false;
    QString m_text;
};

} // namespace deepext::gui
