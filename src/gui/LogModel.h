#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QString>

#include <deque>

namespace deepext::gui {

// The lines of the app's log for the log dock, newest last, capped so a chatty session cannot grow without bound.
class LogModel final : public QAbstractListModel
{
    Q_OBJECT

public:
    struct Line
    {
        QDateTime time;
        int level = 0; // spdlog::level::level_enum
        QString logger;
        QString text;
    };

    static constexpr int MaxLines = 5000;

    explicit LogModel(QObject* parent = nullptr);
    ~LogModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

    // GUI thread only (the sink posts here).
    void append(const Line& line);

signals:
    void lineAppended(const QString& text);

private:
    std::deque<Line> m_lines;
};

} // namespace deepext::gui
