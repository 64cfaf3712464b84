#include "gui/PostDeployCheckJob.h"

#include "deepext/workflow/DeployedModel.h"
#include "deepext/workflow/PostDeployCheck.h"
#include "gui/AppContext.h"

namespace deepext::gui {

PostDeployCheckJob::PostDeployCheckJob(AppContext& context, DeploymentRecord deployed, QObject* parent)
    : QObject(parent)
    , m_context(context)
    , m_deployed(std::move(deployed))
{
}

void PostDeployCheckJob::start()
{
    m_context.run(
        this,
        [workspace = m_context.workspace(), name = m_deployed.ollamaName] {
            return DeployedModel::find(workspace, name);
        },
        [this](JobOutcome<DeployedModel> outcome) {
            if (m_cancelled) {
                finish(QStringLiteral("skipped"), {});
                return;
            }
            if (!outcome.ok()) {
                keep(QStringLiteral("error"), outcome.failure.message);
                return;
            }
            m_check = new PostDeployCheck(m_context.network(), this);
            connect(m_check, &PostDeployCheck::finished, this, &PostDeployCheckJob::keep);
            m_check->start(*outcome.value);
        });
}

void PostDeployCheckJob::cancel()
{
    if (m_cancelled || m_keeping || m_finished) {
        return;
    }
    m_cancelled = true;
    if (m_check) {
        // A cancelled check emits nothing: end here.
        m_check->cancel();
        finish(QStringLiteral("skipped"), {});
    }
}

void PostDeployCheckJob::keep(const QString& outcome, const QString& message)
{
    m_keeping = true;
    m_context.run(
        this,
        [workspace = m_context.workspace(), deployed = m_deployed, outcome, message] {
            PostDeployCheck::record(workspace, deployed, outcome, message);
            return true;
        },
        [this, outcome, message](JobOutcome<bool> recorded) {
            QString text = message;
            if (!recorded.ok()) {
                text += QLatin1Char('\n') +
                        tr("The outcome could not be kept in the deployment record: %1").arg(recorded.failure.message);
            }
            emit m_context.registryChanged();
            finish(outcome, text);
        });
}

void PostDeployCheckJob::finish(const QString& outcome, const QString& message)
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    emit finished(outcome, message);
}

} // namespace deepext::gui
