#pragma once

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace deepext::gui {

// The long jobs running right now (saves, deploys, verifies, registry writes), for the status bar. A job begun
// with a cancel function is one whose work a quit would lose (a save, a deploy, an export): the window asks
// before quitting while any runs, and can cancel them all.
class JobTracker final : public QObject
{
    Q_OBJECT

public:
    explicit JobTracker(QObject* parent = nullptr);

    int begin(const QString& text, std::function<void()> cancel = {});
    void update(int id, const QString& text);
    void end(int id);

    int count() const { return static_cast<int>(m_jobs.size()); }
    QStringList texts() const;
    // The jobs begun with a cancel function, and their texts.
    int cancellableCount() const;
    QStringList cancellableTexts() const;
    // Asks every cancellable job to stop; each still ends with end() once it has cleaned up.
    void cancelAll();

signals:
    void changed();

private:
    struct Job
    {
        QString text;
        std::function<void()> cancel;
    };

    QMap<int, Job> m_jobs;
    int m_nextId = 1;
};

} // namespace deepext::gui
