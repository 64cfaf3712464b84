#include "deepext/base/JobRunner.h"

#include "deepext/base/Logging.h"

#include <QThread>

#include <algorithm>

namespace deepext {

JobRunner::JobRunner(Mode mode, QObject* parent)
    : QObject(parent)
    , m_mode(mode)
{
    // Jobs mostly wait on disk or on a lock; enough workers that a running save never starves list loading.
    m_pool.setMaxThreadCount(std::max(4, QThread::idealThreadCount()));
}

JobRunner::~JobRunner()
{
    m_pool.waitForDone();
}

void JobRunner::post(const QPointer<QObject>& receiver, std::function<void()> call)
{
    QMetaObject::invokeMethod(
        this,
        [this, receiver, call = std::move(call)] {
            if (receiver) {
                guarded("a posted call", call);
            }
        },
        Qt::QueuedConnection);
}

bool JobRunner::guarded(const char* where, const std::function<void()>& call)
{
    const auto failure = catchFailure(call);
    if (failure) {
        report(where, *failure);
    }
    return !failure;
}

void JobRunner::waitForDone()
{
    m_pool.waitForDone();
}

void JobRunner::report(const char* where, const JobFailure& failure)
{
    logging::core()->error("{} failed: {}", where, failure.message.toStdString());
    emit callbackFailed(failure.message, failure.details);
}

} // namespace deepext
