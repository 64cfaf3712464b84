#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QString>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <vector>

namespace deepext::gui {

// Rows of records, each known by a key (a name or a UUID), for the pages' item models. setRows() applies a new list
// as row removals, in-place changes and appended insertions, never a reset, so a view's selection and scroll
// position survive a reload. A row counts as changed when its JSON form changes (every record has to_json).
// Subclasses give the key, the columns and the data.
template <typename Row>
class KeyedRowsModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
    }

    // Makes the rows equal to `rows`: kept rows keep their place, new ones are appended in the order given.
    void setRows(std::vector<Row> rows)
    {
        QHash<QString, std::size_t> incoming;
        incoming.reserve(static_cast<qsizetype>(rows.size()));
        for (std::size_t i = 0; i < rows.size(); ++i) {
            incoming.insert(keyOf(rows[i]), i); // a repeated key: the last one is kept
        }
        // Removals, from the end, in contiguous runs (one signal pair per run).
        for (int row = static_cast<int>(m_rows.size()) - 1; row >= 0;) {
            if (incoming.contains(keyAt(row))) {
                --row;
                continue;
            }
            int first = row;
            while (first > 0 && !incoming.contains(keyAt(first - 1))) {
                --first;
            }
            beginRemoveRows({}, first, row);
            m_rows.erase(m_rows.begin() + first, m_rows.begin() + row + 1);
            endRemoveRows();
            row = first - 1;
        }
        // Changes in place.
        std::vector<bool> placed(rows.size(), false);
        for (std::size_t row = 0; row < m_rows.size(); ++row) {
            const std::size_t from = incoming.value(keyOf(m_rows[row]));
            placed[from] = true;
            if (nlohmann::json(m_rows[row]) != nlohmann::json(rows[from])) {
                m_rows[row] = std::move(rows[from]);
                emit dataChanged(index(static_cast<int>(row), 0),
                                 index(static_cast<int>(row), std::max(0, columnCount() - 1)));
            }
        }
        // Additions, appended in one block.
        std::vector<Row> added;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (!placed[i] && incoming.value(keyOf(rows[i])) == i) {
                added.push_back(std::move(rows[i]));
            }
        }
        if (!added.empty()) {
            const int first = static_cast<int>(m_rows.size());
            beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
            for (Row& row : added) {
                m_rows.push_back(std::move(row));
            }
            endInsertRows();
        }
        rebuildIndex();
    }

    int rowOf(const QString& key) const { return m_rowByKey.value(key, -1); }
    const Row* find(const QString& key) const
    {
        const int row = rowOf(key);
        return row < 0 ? nullptr : &m_rows[static_cast<std::size_t>(row)];
    }
    const Row& rowAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
    const std::vector<Row>& rows() const { return m_rows; }

protected:
    virtual QString keyOf(const Row& row) const = 0;

private:
    QString keyAt(int row) const { return keyOf(m_rows[static_cast<std::size_t>(row)]); }
    void rebuildIndex()
    {
        m_rowByKey.clear();
        m_rowByKey.reserve(static_cast<qsizetype>(m_rows.size()));
        for (std::size_t row = 0; row < m_rows.size(); ++row) {
            m_rowByKey.insert(keyOf(m_rows[row]), static_cast<int>(row));
        }
    }

    std::vector<Row> m_rows;
    QHash<QString, int> m_rowByKey;
};

} // namespace deepext::gui
