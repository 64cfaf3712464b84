#include "gui/JobTracker.h"

namespace deepext::gui {

JobTracker::JobTracker(QObject* parent)
    : QObject(parent)
{
}

int JobTracker::begin(const QString& text)
{
    const int id = m_nextId++;
    m_jobs.insert(id, text);
    emit changed();
    return id;
}

void JobTracker::update(int id, const QString& text)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || *it == text) {
        return;
    }
    *it = text;
    emit changed();
}

void JobTracker::end(int id)
{
    if (m_jobs.remove(id) > 0) {
        emit changed();
    }
}

QStringList JobTracker::texts() const
{
    return m_jobs.values();
}

} // namespace deepext::gui
