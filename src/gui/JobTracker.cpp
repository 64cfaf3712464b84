#include "gui/JobTracker.h"

#include <utility>
#include <vector>

namespace deepext::gui {

JobTracker::JobTracker(QObject* parent)
    : QObject(parent)
{
}

int JobTracker::begin(const QString& text, std::function<void()> cancel)
{
    const int id = m_nextId++;
    m_jobs.insert(id, Job{text, std::move(cancel)});
    emit changed();
    return id;
}

void JobTracker::update(int id, const QString& text)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end() || it->text == text) {
        return;
    }
    it->text = text;
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
    QStringList out;
    for (const Job& job : m_jobs) {
        out << job.text;
    }
    return out;
}

int JobTracker::cancellableCount() const
{
    return static_cast<int>(cancellableTexts().size());
}

QStringList JobTracker::cancellableTexts() const
{
    QStringList out;
    for (const Job& job : m_jobs) {
        if (job.cancel) {
            out << job.text;
        }
    }
    return out;
}

void JobTracker::cancelAll()
{
    // A cancel function may end its job at once (and so change m_jobs): call copies.
    std::vector<std::function<void()>> cancels;
    for (const Job& job : std::as_const(m_jobs)) {
        if (job.cancel) {
            cancels.push_back(job.cancel);
        }
    }
    for (const auto& cancel : cancels) {
        cancel();
    }
}

} // namespace deepext::gui
