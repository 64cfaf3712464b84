#pragma once

#include "gui/SavedModelSummary.h"

#include <QAbstractListModel>
#include <QHash>

#include <vector>

namespace deepext::gui {

// The saved models as a flat list (one row per model, unsorted: a QSortFilterProxyModel sorts newest first and
// filters). Updates are applied as row removals, insertions and changes, never a reset, so the selection and the
// scroll position survive the workspace changing underneath.
class SavedModelListModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role
    {
        NameRole = Qt::UserRole + 1,
        TrainedModelRole,
        BaseModelRole,
        CreatedAtRole, // ISO 8601 text, sorts chronologically
        SizeRole,      // qulonglong bytes, invalid when unknown
        PathRole,
        SearchTextRole, // name, trained and base model in one string for the filter
    };

    explicit SavedModelListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Makes the rows equal to `models` (any order).
    void setModels(std::vector<SavedModelSummary> models);
    // Removes one model at once (a delete the user just confirmed), ahead of the next scan.
    bool removeModel(const QString& name);
    int rowOf(const QString& name) const;
    const SavedModelSummary* summary(const QString& name) const;

    // "1.2 GB", "—" when unknown.
    static QString formatSize(const std::optional<std::uint64_t>& bytes);
    // The card's UTC time shown in local time; the text as written when it does not parse.
    static QString formatCreated(const QString& isoUtc);

private:
    void rebuildIndex();

    std::vector<SavedModelSummary> m_models;
    QHash<QString, int> m_rowByName;
};

} // namespace deepext::gui
