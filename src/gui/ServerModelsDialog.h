#pragma once

#include "deepext/base/Records.h"
#include "deepext/workflow/ServerChoice.h"

#include <QDialog>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace Ui {
class ServerModelsDialog;
}

namespace deepext {
class ServerModelList;
}

namespace deepext::gui {

class AppContext;

// Add from Server… in the Evaluate dialog: the models the chosen environment's server has (GET /api/tags, asked on
// the event loop through ServerModelList), each checkable, those that are deployments of ours marked. The environments
// and deployment records are read on the worker pool. A server that does not answer is said so in the dialog, with
// the client's message; OK takes the checked models.
class ServerModelsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit ServerModelsDialog(AppContext& context, QWidget* parent = nullptr);
    ~ServerModelsDialog() override;

    // The server answered with its list (which may be empty) for the environment shown.
    bool isListed() const { return m_listed; }
    // Why there is no list: the server did not answer, or the records could not be read.
    QString errorText() const { return m_error; }
    // The server the listed models are on.
    const std::optional<ServerChoice>& server() const { return m_server; }
    // The names as the server lists them.
    QStringList listedModels() const;
    QStringList checkedModels() const;
    // Whether `name` is listed as a deployment of ours (a deployed record of that name at that server).
    bool isOurDeployment(const QString& name) const;
    void setModelChecked(const QString& name, bool checked);
    // Shows the server of the environment `name` ("" = OLLAMA_HOST or the local default) and lists its models.
    void chooseEnvironment(const QString& name);

public slots:
    void refresh();

private:
    struct Loaded
    {
        std::vector<EnvironmentRecord> environments;
        std::string defaultName;
        std::vector<DeploymentRecord> deployments;
    };

    void load();
    void onListed(bool ok);
    void updateButtons();

    std::unique_ptr<Ui::ServerModelsDialog> m_ui;
    AppContext& m_context;
    std::optional<Loaded> m_loaded;
    std::optional<ServerChoice> m_server;
    QPointer<ServerModelList> m_listing;
    QString m_error;
    bool m_listed = false;
};

} // namespace deepext::gui
