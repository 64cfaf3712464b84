#include "gui/SavedModelListModel.h"

#include <QDateTime>
#include <QLocale>

namespace deepext::gui {

SavedModelListModel::SavedModelListModel(QObject* parent)
    : QAbstractListModel(parent)
{
}

int SavedModelListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_models.size());
}

QVariant SavedModelListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const SavedModelSummary& model = m_models[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return model.name;
    case Qt::ToolTipRole:
        return tr("%1\nTrained model: %2\nBase model: %3\nCreated: %4\nSize: %5\nFolder: %6")
            .arg(model.name, model.trainedModel, model.baseModel, formatCreated(model.createdAt),
                 formatSize(model.size), model.path);
    case TrainedModelRole:
        return model.trainedModel;
    case BaseModelRole:
        return model.baseModel;
    case CreatedAtRole:
        return model.createdAt;
    case SizeRole:
        return model.size ? QVariant::fromValue<qulonglong>(*model.size) : QVariant();
    case PathRole:
        return model.path;
    case SearchTextRole:
        return model.name + QLatin1Char(' ') + model.trainedModel + QLatin1Char(' ') + model.baseModel;
    default:
        return {};
    }
}

QHash<int, QByteArray> SavedModelListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(TrainedModelRole, "trainedModel");
    names.insert(BaseModelRole, "baseModel");
    names.insert(CreatedAtRole, "createdAt");
    names.insert(SizeRole, "size");
    names.insert(PathRole, "path");
    names.insert(SearchTextRole, "searchText");
    return names;
}

void SavedModelListModel::setModels(std::vector<SavedModelSummary> models)
{
    QHash<QString, std::size_t> incoming;
    incoming.reserve(static_cast<qsizetype>(models.size()));
    for (std::size_t i = 0; i < models.size(); ++i) {
        incoming.insert(models[i].name, i);
    }

    // Removals, from the end, in contiguous runs (one signal pair per run keeps big updates cheap).
    for (int row = static_cast<int>(m_models.size()) - 1; row >= 0;) {
        if (incoming.contains(m_models[static_cast<std::size_t>(row)].name)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_models[static_cast<std::size_t>(first - 1)].name)) {
            --first;
        }
        beginRemoveRows({}, first, row);
        m_models.erase(m_models.begin() + first, m_models.begin() + row + 1);
        endRemoveRows();
        row = first - 1;
    }
    rebuildIndex();

    // Changes in place.
    std::vector<bool> known(models.size(), false);
    for (std::size_t row = 0; row < m_models.size(); ++row) {
        const std::size_t from = incoming.value(m_models[row].name);
        known[from] = true;
        if (!(m_models[row] == models[from])) {
            m_models[row] = std::move(models[from]);
            const QModelIndex changed = index(static_cast<int>(row));
            emit dataChanged(changed, changed);
        }
    }

    // Additions, appended in one block.
    std::vector<SavedModelSummary> added;
    for (std::size_t i = 0; i < models.size(); ++i) {
        if (!known[i]) {
            added.push_back(std::move(models[i]));
        }
    }
    if (!added.empty()) {
        const int first = static_cast<int>(m_models.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        for (auto& model : added) {
            m_models.push_back(std::move(model));
        }
        endInsertRows();
        rebuildIndex();
    }
}

bool SavedModelListModel::removeModel(const QString& name)
{
    const int row = rowOf(name);
    if (row < 0) {
        return false;
    }
    beginRemoveRows({}, row, row);
    m_models.erase(m_models.begin() + row);
    endRemoveRows();
    rebuildIndex();
    return true;
}

int SavedModelListModel::rowOf(const QString& name) const
{
    return m_rowByName.value(name, -1);
}

const SavedModelSummary* SavedModelListModel::summary(const QString& name) const
{
    const int row = rowOf(name);
    return row < 0 ? nullptr : &m_models[static_cast<std::size_t>(row)];
}

void SavedModelListModel::rebuildIndex()
{
    m_rowByName.clear();
    m_rowByName.reserve(static_cast<qsizetype>(m_models.size()));
    for (std::size_t row = 0; row < m_models.size(); ++row) {
        m_rowByName.insert(m_models[row].name, static_cast<int>(row));
    }
}

QString SavedModelListModel::formatSize(const std::optional<std::uint64_t>& bytes)
{
    if (!bytes) {
        return QStringLiteral("—");
    }
    return QLocale().formattedDataSize(static_cast<qint64>(*bytes), 1, QLocale::DataSizeSIFormat);
}

QString SavedModelListModel::formatCreated(const QString& isoUtc)
{
    const QDateTime time = QDateTime::fromString(isoUtc, Qt::ISODate);
    if (!time.isValid()) {
        return isoUtc;
    }
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}

} // namespace deepext::gui
