#include "gui/CoalescedLoader.h"

namespace deepext::gui {

CoalescedLoader::CoalescedLoader(AppContext& context, QObject* owner)
    : QObject(owner)
    , m_context(context)
{
}

void CoalescedLoader::request()
{
    if (m_running) {
        m_queued = true;
        return;
    }
    if (m_start) {
        m_running = true;
        m_start();
    }
}

void CoalescedLoader::onApplied()
{
    ++m_completed;
    emit applied();
}

} // namespace deepext::gui
