#pragma once

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

namespace deepext::gui {

// The long jobs running right now (saves, deploys, verifies, registry writes), for the status bar.
class JobTracker final : public QObject
{
    Q_OBJECT

public:
    explicit JobTracker(QObject* parent = nullptr);

    int begin(const QString& text);
    void update(int id, const QString& text);
    void end(int id);

    int count() const { return static_cast<int>(m_jobs.size()); }
    QStringList texts() const;

signals:
    void changed();

private:
    QMap<int, QString> m_jobs;
    int m_nextId = 1;
};

} // namespace deepext::gui
