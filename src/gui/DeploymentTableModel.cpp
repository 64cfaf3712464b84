#include "gui/DeploymentTableModel.h"

#include "deepext/ollama/OllamaName.h"
#include "gui/SavedModelListModel.h"
#include "gui/StatusBadge.h"

#include <QHash>
#include <QIcon>
#include <QPainter>
#include <QPixmap>

namespace deepext::gui {
namespace {

// A dot in the status's badge colour, so the column reads at a glance as the card pane's badges do.
QIcon statusDot(const QString& status)
{
    static QHash<QString, QIcon> dots;
    if (const auto found = dots.constFind(status); found != dots.constEnd()) {
        return *found;
    }
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(StatusBadge::colorFor(status));
    painter.drawEllipse(QRectF(1, 1, 10, 10));
    painter.end();
    return *dots.insert(status, QIcon(pixmap));
}

} // namespace

DeploymentTableModel::DeploymentTableModel(QObject* parent)
    : KeyedRowsModel<DeploymentRecord>(parent)
{
}

int DeploymentTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void DeploymentTableModel::setPresence(ServerModels present)
{
    if (present != m_present) {
        m_present = std::move(present);
        allRowsChanged();
    }
}

void DeploymentTableModel::setMissingSavedModels(std::set<std::string> missing)
{
    if (missing != m_missingSavedModels) {
        m_missingSavedModels = std::move(missing);
        allRowsChanged();
    }
}

void DeploymentTableModel::setJobProgress(const QString& uuid, const QString& text)
{
    if (m_jobProgress.value(uuid) == text) {
        return;
    }
    if (text.isEmpty()) {
        m_jobProgress.remove(uuid);
    } else {
        m_jobProgress.insert(uuid, text);
    }
    if (const int row = rowOf(uuid); row >= 0) {
        emit dataChanged(index(row, StatusColumn), index(row, StatusColumn));
    }
}

void DeploymentTableModel::allRowsChanged()
{
    if (rowCount() > 0) {
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    }
}

bool DeploymentTableModel::isPresent(const DeploymentRecord& record) const
{
    const auto server = m_present.find(record.url);
    if (server == m_present.end()) {
        return record.presentOnServer;
    }
    return server->second.count(ollama::OllamaName::comparisonKey(record.ollamaName)) > 0;
}

bool DeploymentTableModel::isLive(int row) const
{
    const DeploymentRecord& record = rowAt(row);
    return record.status == DeploymentStatus::Deploying ||
           (record.status == DeploymentStatus::Deployed && isPresent(record));
}

QString DeploymentTableModel::statusText(const DeploymentRecord& record) const
{
    if (record.status == DeploymentStatus::Deployed && !isPresent(record)) {
        return tr("deployed, no longer on the server");
    }
    if (record.status == DeploymentStatus::Deploying) {
        if (const QString progress = m_jobProgress.value(QString::fromStdString(record.uuid)); !progress.isEmpty()) {
            return tr("deploying: %1").arg(progress);
        }
    }
    return QString::fromUtf8(deploymentStatusName(record.status));
}

QVariant DeploymentTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const DeploymentRecord& record = rowAt(index.row());
    switch (role) {
    case UuidRole:
        return QString::fromStdString(record.uuid);
    case OllamaNameRole:
        return QString::fromStdString(record.ollamaName);
    case StartedAtRole:
        return QString::fromStdString(record.startedAt);
    case LiveRole:
        return isLive(index.row());
    case SortRole:
        if (index.column() == DeployedAtColumn) {
            // As shown (the end, else the start), then by the start: a burst of deploys ending together keeps order.
            return QString::fromStdString((record.endedAt.empty() ? record.startedAt : record.endedAt) + " " +
                                          record.startedAt);
        }
        return data(index, Qt::DisplayRole).toString().toLower();
    case Qt::DecorationRole:
        if (index.column() == StatusColumn) {
            return statusDot(QString::fromUtf8(deploymentStatusName(record.status)));
        }
        return {};
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const bool tip = role == Qt::ToolTipRole;
    switch (index.column()) {
    case NameColumn:
        return QString::fromStdString(record.ollamaName);
    case SavedModelColumn:
        if (m_missingSavedModels.count(record.savedModel) > 0) {
            return tip ? tr("%1 was deleted from the workspace; the model stays in Ollama until removed there")
                             .arg(QString::fromStdString(record.savedModel))
                       : tr("%1 (deleted)").arg(QString::fromStdString(record.savedModel));
        }
        return QString::fromStdString(record.savedModel);
    case EnvironmentColumn:
        return QString::fromStdString(tip || record.environment.empty() ? record.url : record.environment);
    case QuantizationColumn:
        return QString::fromStdString(record.quantization);
    case StatusColumn:
        return tip && !record.message.empty() ? QString::fromStdString(record.message) : statusText(record);
    case DeployedAtColumn:
        return SavedModelListModel::formatCreated(
            QString::fromStdString(record.endedAt.empty() ? record.startedAt : record.endedAt));
    case CheckColumn:
        if (tip && !record.checkMessage.empty()) {
            return QString::fromStdString(record.checkMessage);
        }
        return record.check == "did_not_stop" ? tr("did not stop") : QString::fromStdString(record.check);
    default:
        return {};
    }
}

QVariant DeploymentTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::InitialSortOrderRole) {
        // A first click sorts names A to Z, times newest first.
        return section == DeployedAtColumn ? Qt::DescendingOrder : Qt::AscendingOrder;
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return KeyedRowsModel<DeploymentRecord>::headerData(section, orientation, role);
    }
    switch (section) {
    case NameColumn:
        return tr("Name in Ollama");
    case SavedModelColumn:
        return tr("Saved model");
    case EnvironmentColumn:
        return tr("Environment");
    case QuantizationColumn:
        return tr("Quantization");
    case StatusColumn:
        return tr("Status");
    case DeployedAtColumn:
        return tr("Deployed at");
    case CheckColumn:
        return tr("Check");
    default:
        return {};
    }
}

QHash<int, QByteArray> DeploymentTableModel::roleNames() const
{
    QHash<int, QByteArray> names = KeyedRowsModel<DeploymentRecord>::roleNames();
    names.insert(UuidRole, "uuid");
    names.insert(OllamaNameRole, "ollamaName");
    names.insert(StartedAtRole, "startedAt");
    return names;
}

QString DeploymentTableModel::keyOf(const DeploymentRecord& record) const
{
    return QString::fromStdString(record.uuid);
}

} // namespace deepext::gui
