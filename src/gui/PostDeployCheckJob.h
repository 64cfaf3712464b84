#pragma once

#include "deepext/base/Records.h"

#include <QObject>
#include <QPointer>
#include <QString>

namespace deepext {
class PostDeployCheck;
}

namespace deepext::gui {

class AppContext;

// The window's post-deploy check of one deployment: the record's server is looked up and the outcome is written
// into the record on the worker pool (both touch the registry, whose lock another process may hold), the chat
// itself runs on the event loop (PostDeployCheck). finished() once, also after cancel() (outcome "skipped", nothing
// recorded).
class PostDeployCheckJob final : public QObject
{
    Q_OBJECT

public:
    PostDeployCheckJob(AppContext& context, DeploymentRecord deployed, QObject* parent = nullptr);

    void start();
    void cancel();

signals:
    void finished(const QString& outcome, const QString& message);

private:
    void keep(const QString& outcome, const QString& message);
    void finish(const QString& outcome, const QString& message);

    AppContext& m_context;
    DeploymentRecord m_deployed;
    QPointer<PostDeployCheck> m_check;
    bool m_cancelled = false;
    bool m_keeping = false; // the chat is over, its outcome is being written
    bool m_finished = false;
};

} // namespace deepext::gui
