#include "gui/LogModel.h"

#include "gui/LogSink.h"

#include <QBrush>
#include <QColor>

#include <spdlog/common.h>

namespace deepext::gui {

LogModel::LogModel(QObject* parent)
    : QAbstractListModel(parent)
{
    LogSink::instance()->attach(this);
}

LogModel::~LogModel()
{
    LogSink::instance()->detach(this);
}

int LogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_lines.size());
}

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Line& line = m_lines[static_cast<std::size_t>(index.row())];
    switch (role) {
    case Qt::DisplayRole: {
        const auto level = spdlog::level::to_string_view(static_cast<spdlog::level::level_enum>(line.level));
        return QStringLiteral("%1 %2 [%3] %4")
            .arg(line.time.toString(QStringLiteral("HH:mm:ss")),
                 QString::fromUtf8(level.data(), static_cast<qsizetype>(level.size())), line.logger, line.text);
    }
    case Qt::ToolTipRole:
        return line.text;
    case Qt::ForegroundRole:
        if (line.level >= spdlog::level::err) {
            return QBrush(QColor(0xb0, 0x20, 0x20));
        }
        if (line.level == spdlog::level::warn) {
            return QBrush(QColor(0x9a, 0x60, 0x00));
        }
        return {};
    default:
        return {};
    }
}

void LogModel::append(const Line& line)
{
    if (m_lines.size() >= MaxLines) {
        beginRemoveRows({}, 0, 0);
        m_lines.pop_front();
        endRemoveRows();
    }
    const int row = static_cast<int>(m_lines.size());
    beginInsertRows({}, row, row);
    m_lines.push_back(line);
    endInsertRows();
    emit lineAppended(line.text);
}

} // namespace deepext::gui
